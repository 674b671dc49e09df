using System.Net;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Protocol;
using static SyfalaGraph.Plugins.Syfala.Internal.Control.ServerProtocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Control;

/// <summary>The server state machine, message by message with a fake clock (no sockets).</summary>
public sealed class ServerProtocolTests
{
    private static readonly IPEndPoint A = IPEndPoint.Parse("10.0.0.1:5000");
    private static readonly IPEndPoint B = IPEndPoint.Parse("10.0.0.2:5000");

    private static (ServerProtocol Protocol, FakeServerHost Host) Create(int maxClients = 8, params string[] allow)
    {
        var host = new FakeServerHost();
        var protocol = new ServerProtocol(host, maxClients, allow.Select(a => IPNetwork.Parse(a)).ToList(), heartbeatMs: 100, timeoutMs: 600);
        return (protocol, host);
    }

    private static void Connect(ServerProtocol p, IPEndPoint client, long now)
    {
        p.OnMessage(client, ClientMessageKind.Discovery, now);
        p.OnMessage(client, ClientMessageKind.ConnectionSuccess, now);
    }

    [Fact]
    public void Discovery_is_answered_with_Connect_and_success_connects()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        p.OnMessage(A, ClientMessageKind.Discovery, 0);
        Assert.Equal([ServerMessageKind.Connect], host.SentTo(A));
        Assert.Equal(SessionState.Offered, p.StateOf(A));
        p.OnMessage(A, ClientMessageKind.ConnectionSuccess, 1);
        Assert.Equal(SessionState.Connected, p.StateOf(A));
        Assert.Contains((ProtocolEvent.Connected, A, 1), host.Reports);
    }

    [Fact]
    public void StartIO_prepares_audio_before_answering_success_and_sends_only_after_it()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, A, 0);
        p.OnMessage(A, ClientMessageKind.StartIO, 1);
        Assert.Equal(SessionState.Running, p.StateOf(A));
        int start = host.Log.IndexOf("start audio");
        int success = host.Log.IndexOf("send StartIOSuccess");
        int sending = host.Log.IndexOf("start sending");
        Assert.True(start >= 0 && success > start && sending > success, string.Join(", ", host.Log));
    }

    [Fact]
    public void StartIO_is_idempotent_and_StopIO_stops()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, A, 0);
        p.OnMessage(A, ClientMessageKind.StartIO, 1);
        p.OnMessage(A, ClientMessageKind.StartIO, 2); // our answer was lost
        Assert.Equal(2, host.SentTo(A).Count(k => k == ServerMessageKind.StartIOSuccess));
        Assert.Single(host.Log, l => l == "start audio");
        p.OnMessage(A, ClientMessageKind.StopIO, 3);
        Assert.Equal(SessionState.Connected, p.StateOf(A));
        Assert.Contains(ServerMessageKind.StopIOSuccess, host.SentTo(A));
        Assert.Contains("stop audio", host.Log);
        Assert.Null(p.RunningClient);
    }

    [Fact]
    public void Failed_audio_start_answers_StartIOFailed()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        host.AllowStart = false;
        Connect(p, A, 0);
        p.OnMessage(A, ClientMessageKind.StartIO, 1);
        Assert.Equal(ServerMessageKind.StartIOFailed, host.SentTo(A).Last());
        Assert.Equal(SessionState.Connected, p.StateOf(A));
    }

    [Fact]
    public void A_second_client_gets_StartIOFailed_until_the_first_stops()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, A, 0);
        Connect(p, B, 0);
        p.OnMessage(A, ClientMessageKind.StartIO, 1);
        p.OnMessage(B, ClientMessageKind.StartIO, 1);
        Assert.Equal(ServerMessageKind.StartIOFailed, host.SentTo(B).Last());
        p.OnMessage(A, ClientMessageKind.StopIO, 2);
        p.OnMessage(B, ClientMessageKind.StartIO, 3);
        Assert.Equal(ServerMessageKind.StartIOSuccess, host.SentTo(B).Last());
        Assert.Equal(B, p.RunningClient);
    }

    [Fact]
    public void StartIO_before_the_handshake_is_refused()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        p.OnMessage(A, ClientMessageKind.Discovery, 0);
        p.OnMessage(A, ClientMessageKind.StartIO, 1);
        Assert.Equal(ServerMessageKind.StartIORefused, host.SentTo(A).Last());
    }

    [Fact]
    public void Unknown_peers_are_ignored_except_Discovery()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        foreach (ClientMessageKind kind in new[] { ClientMessageKind.StartIO, ClientMessageKind.StopIO, ClientMessageKind.Heartbeat, ClientMessageKind.ConnectionSuccess, ClientMessageKind.Disconnect })
        {
            p.OnMessage(A, kind, 0);
        }

        Assert.Empty(host.Sent);
        Assert.Equal(0, p.SessionCount);
        Assert.Equal(5, p.IgnoredUnknown);
    }

    [Fact]
    public void The_allow_list_and_max_clients_limit_discovery()
    {
        (ServerProtocol p, FakeServerHost host) = Create(maxClients: 1, "10.0.0.0/31");
        p.OnMessage(IPEndPoint.Parse("192.168.0.1:1"), ClientMessageKind.Discovery, 0);
        Assert.Equal(1, p.IgnoredNotAllowed);
        p.OnMessage(A, ClientMessageKind.Discovery, 0);
        p.OnMessage(IPEndPoint.Parse("10.0.0.0:7"), ClientMessageKind.Discovery, 0);
        Assert.Equal(1, p.IgnoredFull);
        Assert.Equal(1, p.SessionCount);
        Assert.Single(host.Sent);
    }

    [Fact]
    public void Heartbeats_go_out_every_period_and_silence_times_out()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, A, 0);
        p.OnMessage(A, ClientMessageKind.StartIO, 0);
        for (long t = 0; t <= 600; t += 10)
        {
            p.OnTick(t);
        }

        Assert.Equal(6, host.SentTo(A).Count(k => k == ServerMessageKind.Heartbeat));
        Assert.Equal(SessionState.Running, p.StateOf(A));
        p.OnTick(601);
        Assert.Null(p.StateOf(A));
        Assert.Contains((ProtocolEvent.TimedOut, A, 1), host.Reports);
        Assert.Equal("stop audio", host.Log.Last());
    }

    [Fact]
    public void Audio_from_the_running_client_keeps_it_alive()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, A, 0);
        host.Audio[A] = 550;
        p.OnTick(1000);
        Assert.NotNull(p.StateOf(A));
        p.OnTick(1151);
        Assert.Null(p.StateOf(A));
    }

    [Fact]
    public void Disconnect_removes_the_session_and_stops_its_audio()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, A, 0);
        p.OnMessage(A, ClientMessageKind.StartIO, 1);
        p.OnMessage(A, ClientMessageKind.Disconnect, 2);
        Assert.Null(p.StateOf(A));
        Assert.Contains("stop audio", host.Log);
        Assert.Contains((ProtocolEvent.Disconnected, A, 1), host.Reports);
    }

    [Fact]
    public void A_refusing_client_is_removed()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        p.OnMessage(A, ClientMessageKind.Discovery, 0);
        p.OnMessage(A, ClientMessageKind.ConnectionRefused, 1);
        Assert.Null(p.StateOf(A));
        Assert.Contains((ProtocolEvent.Refused, A, 1), host.Reports);
    }

    [Fact]
    public void Discovery_from_a_connected_or_running_client_is_answered_and_keeps_its_session()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, A, 0);
        p.OnMessage(A, ClientMessageKind.Discovery, 1); // the reference client's beacon, while connected
        Assert.Equal(SessionState.Connected, p.StateOf(A));
        p.OnMessage(A, ClientMessageKind.StartIO, 2);
        for (long t = 100; t <= 1000; t += 100)
        {
            p.OnMessage(A, ClientMessageKind.Discovery, t); // and while it streams
            p.OnTick(t);
        }

        Assert.Equal(SessionState.Running, p.StateOf(A));
        Assert.Equal(A, p.RunningClient);
        Assert.DoesNotContain("stop audio", host.Log);
        Assert.Equal(12, host.SentTo(A).Count(k => k == ServerMessageKind.Connect)); // every Discovery is answered
        Assert.DoesNotContain(host.Reports, r => r.Event is ProtocolEvent.IOStopped or ProtocolEvent.TimedOut); // a Discovery is a sign of life
        p.OnMessage(A, ClientMessageKind.StopIO, 1001);
        Assert.Equal(ServerMessageKind.StopIOSuccess, host.SentTo(A).Last());
    }

    [Fact]
    public void ConnectionSuccess_again_from_a_running_client_restarts_its_session()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, A, 0);
        p.OnMessage(A, ClientMessageKind.StartIO, 1);
        p.OnMessage(A, ClientMessageKind.Discovery, 2);
        p.OnMessage(A, ClientMessageKind.ConnectionSuccess, 3); // it answered our Connect: it had lost its state
        Assert.Equal(SessionState.Connected, p.StateOf(A));
        Assert.Null(p.RunningClient);
        Assert.Equal("stop audio", host.Log.Last());
        p.OnMessage(A, ClientMessageKind.StartIO, 4);
        Assert.Equal(SessionState.Running, p.StateOf(A));
        Assert.Equal(2, host.Log.Count(l => l == "start audio"));
        Assert.Equal(2, host.Reports.Count(r => r.Event == ProtocolEvent.Connected && r.Number == 1));
    }

    [Fact]
    public void No_heartbeat_goes_to_a_client_that_has_not_answered_Connect()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        p.OnMessage(A, ClientMessageKind.Discovery, 0);
        for (long t = 0; t <= 500; t += 10)
        {
            p.OnTick(t);
        }

        Assert.Equal([ServerMessageKind.Connect], host.SentTo(A));
        p.OnMessage(A, ClientMessageKind.ConnectionSuccess, 500);
        for (long t = 510; t <= 800; t += 10)
        {
            p.OnTick(t);
        }

        Assert.Equal(3, host.SentTo(A).Count(k => k == ServerMessageKind.Heartbeat)); // 600, 700, 800
    }

    [Fact]
    public void A_client_that_never_answers_Connect_is_dropped_after_the_timeout()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        p.OnMessage(A, ClientMessageKind.Discovery, 0);
        p.OnTick(600);
        Assert.NotNull(p.StateOf(A));
        p.OnTick(601);
        Assert.Null(p.StateOf(A));
        Assert.Contains((ProtocolEvent.Abandoned, A, 1), host.Reports);
    }
}
