using System.Net;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Protocol;
using static SyfalaGraph.Plugins.Syfala.Internal.Control.ClientProtocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Control;

/// <summary>The client state machine, message by message with a fake clock (no sockets).</summary>
public sealed class ClientProtocolTests
{
    private static readonly IPEndPoint Server = IPEndPoint.Parse("10.0.0.9:6910");
    private static readonly StreamFormats Formats = new([StreamFormat.Standard], [StreamFormat.Standard]);

    private static (ClientProtocol Protocol, FakeClientHost Host) Create(bool autoStart = true, IPEndPoint? expected = null)
    {
        var host = new FakeClientHost();
        return (new ClientProtocol(host, expected ?? Server, autoStart, heartbeatMs: 100, timeoutMs: 600, discoveryPeriodMs: 250, refusedRetryMs: 1000), host);
    }

    private static void Tick(ClientProtocol p, FakeClientHost host, long from, long to)
    {
        for (long t = from; t <= to; t++)
        {
            host.Now = t;
            p.OnTick(t);
        }
    }

    [Fact]
    public void Discovery_repeats_every_period_until_a_server_answers()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        Tick(p, host, 0, 1000);
        Assert.Equal(5, host.Discoveries); // 0, 250, 500, 750, 1000
        Assert.Equal(ClientState.Discovering, p.State);
    }

    [Fact]
    public void No_heartbeat_goes_out_before_the_client_has_answered_a_Connect()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        host.Check = _ => "wrong channel count";
        Tick(p, host, 0, 500); // discovering
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 500); // refused; discovery resumes at 1500
        Tick(p, host, 501, 1510);
        Assert.DoesNotContain(host.Sent, s => s.Kind == ClientMessageKind.Heartbeat);
        host.Check = _ => null;
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 1510); // accepted
        Tick(p, host, 1511, 1700);
        Assert.Equal(ClientMessageKind.ConnectionSuccess, host.Sent.First(s => s.Kind != ClientMessageKind.ConnectionRefused).Kind);
        Assert.True(host.Sent.Count(s => s.Kind == ClientMessageKind.Heartbeat) >= 1);
    }

    [Fact]
    public void Connect_with_fitting_formats_accepts_and_auto_starts()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        Assert.Equal(["send ConnectionSuccess", "prepare audio", "send StartIO"], host.Log);
        Assert.Equal(ClientState.StartPending, p.State);
        p.OnMessage(Server, ServerMessageKind.StartIOSuccess, null, 5);
        Assert.Equal(ClientState.Running, p.State);
        Assert.Equal("start sending", host.Log.Last());
    }

    [Fact]
    public void Without_auto_start_it_waits_for_a_request()
    {
        (ClientProtocol p, FakeClientHost host) = Create(autoStart: false);
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        Assert.Equal(ClientState.Connected, p.State);
        p.RequestStart(10);
        Assert.Equal(ClientState.StartPending, p.State);
    }

    [Fact]
    public void Formats_it_cannot_handle_are_refused_and_reported()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        host.Check = _ => "wrong channel count";
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        Assert.Equal(["send ConnectionRefused"], host.Log);
        Assert.Equal(ClientState.Refused, p.State);
        Assert.Equal("wrong channel count", p.LastRefusal);
        Assert.Contains((ProtocolEvent.Refused, "wrong channel count"), host.Reports);
        Tick(p, host, 1, 999);
        Assert.Equal(0, host.Discoveries);
        Tick(p, host, 1000, 1001);
        Assert.Equal(1, host.Discoveries); // discovery resumes after refused_retry
    }

    [Fact]
    public void StartIOFailed_is_retried_with_a_doubling_back_off()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        long now = 0;
        var gaps = new List<long>();
        long lastStart = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            p.OnMessage(Server, ServerMessageKind.StartIOFailed, null, now);
            p.OnMessage(Server, ServerMessageKind.Heartbeat, null, now);
            int before = host.Sent.Count(s => s.Kind == ClientMessageKind.StartIO);
            while (host.Sent.Count(s => s.Kind == ClientMessageKind.StartIO) == before)
            {
                now++;
                host.Now = now;
                p.OnMessage(Server, ServerMessageKind.Heartbeat, null, now);
                p.OnTick(now);
            }

            gaps.Add(now - lastStart);
            lastStart = now;
        }

        // The back-off starts at 100 ms and doubles at each failure.
        Assert.Equal([100, 200, 400, 800, 1600], gaps);
        Assert.Equal(5, p.StartFailures);
        p.OnMessage(Server, ServerMessageKind.StartIOSuccess, null, now);
        Assert.Equal(ClientState.Running, p.State);
        Assert.Equal(0, p.StartFailures);
    }

    [Fact]
    public void A_lost_StartIO_answer_is_asked_again()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        for (long t = 1; t <= 250; t++)
        {
            p.OnMessage(Server, ServerMessageKind.Heartbeat, null, t);
            host.Now = t;
            p.OnTick(t);
        }

        Assert.Equal(2, host.Sent.Count(s => s.Kind == ClientMessageKind.StartIO));
    }

    [Fact]
    public void StartIORefused_gives_up_and_reports()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        p.OnMessage(Server, ServerMessageKind.StartIORefused, null, 1);
        Assert.Equal(ClientState.Connected, p.State);
        Assert.True(p.StartGivenUp);
        Assert.Contains(host.Reports, r => r.Event == ProtocolEvent.StartRefused);
        for (long t = 2; t < 500; t++)
        {
            p.OnMessage(Server, ServerMessageKind.Heartbeat, null, t);
            p.OnTick(t);
        }

        Assert.Single(host.Sent, s => s.Kind == ClientMessageKind.StartIO);
    }

    [Fact]
    public void Silence_times_out_then_the_client_rediscovers_and_reconnects()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        p.OnMessage(Server, ServerMessageKind.StartIOSuccess, null, 0);
        Tick(p, host, 1, 600);
        Assert.Equal(ClientState.Running, p.State);
        Assert.Equal(6, host.Sent.Count(s => s.Kind == ClientMessageKind.Heartbeat));
        Tick(p, host, 601, 601);
        Assert.Equal(ClientState.Discovering, p.State);
        Assert.Contains(host.Reports, r => r.Event == ProtocolEvent.TimedOut);
        Tick(p, host, 602, 602);
        Assert.Equal("discovery", host.Log.Last()); // at the next tick, not a discovery period later
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 700);
        Assert.Equal(ClientState.StartPending, p.State);
    }

    [Fact]
    public void Audio_keeps_the_server_alive()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        p.OnMessage(Server, ServerMessageKind.StartIOSuccess, null, 0);
        host.AudioMs = 900;
        Tick(p, host, 1, 1400);
        Assert.Equal(ClientState.Running, p.State);
        Tick(p, host, 1401, 1501);
        Assert.Equal(ClientState.Discovering, p.State);
    }

    [Fact]
    public void Messages_from_another_address_are_ignored()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        var other = IPEndPoint.Parse("10.0.0.10:6910");
        p.OnMessage(other, ServerMessageKind.Connect, Formats, 0);
        Assert.Equal(ClientState.Discovering, p.State);
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        p.OnMessage(other, ServerMessageKind.Disconnect, null, 1);
        Assert.Equal(ClientState.StartPending, p.State);
        Assert.Equal(2, p.Ignored);
    }

    [Fact]
    public void Stop_sends_StopIO_and_Disconnect_when_running()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        p.OnMessage(Server, ServerMessageKind.StartIOSuccess, null, 0);
        p.RequestStop(1);
        Assert.Equal(ClientState.StopPending, p.State);
        Assert.Equal(ClientMessageKind.StopIO, host.Sent.Last().Kind); // not StartIO, unlike the reference client
        p.OnMessage(Server, ServerMessageKind.StopIOSuccess, null, 2);
        Assert.Equal(ClientState.Connected, p.State);
        p.Shutdown();
        Assert.Equal(ClientMessageKind.Disconnect, host.Sent.Last().Kind);
    }

    [Fact]
    public void A_restarted_server_is_handshaken_again()
    {
        (ClientProtocol p, FakeClientHost host) = Create();
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 0);
        p.OnMessage(Server, ServerMessageKind.StartIOSuccess, null, 0);
        p.OnMessage(Server, ServerMessageKind.Connect, Formats, 50);
        Assert.Equal(ClientState.StartPending, p.State);
        Assert.Contains("stop audio", host.Log);
    }
}
