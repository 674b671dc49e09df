using System.Net;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;
using static SyfalaGraph.Plugins.Syfala.Internal.Control.ServerProtocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Control;

/// <summary>The server's admission policy (idle timeout, per-address limit, allow list, takeover), message by message with a fake clock.</summary>
public sealed class ServerAdmissionTests
{
    private const long IdleMs = 5000;
    private const long TickMs = 5;
    private static readonly IPEndPoint Holder = IPEndPoint.Parse("10.0.1.1:5000");
    private static readonly IPEndPoint Asker = IPEndPoint.Parse("10.0.2.1:5000");

    private static (ServerProtocol Protocol, FakeServerHost Host) Create(SyfalaTakeover takeover = SyfalaTakeover.Idle, int perAddress = 4,
        bool receivesAudio = true, int maxClients = 8, params string[] allow)
    {
        var host = new FakeServerHost();
        var protocol = new ServerProtocol(host, maxClients, allow.Select(a => IPNetwork.Parse(a)).ToList(), heartbeatMs: 100, timeoutMs: 600,
            new ServerAdmission(perAddress, IdleMs, takeover, receivesAudio));
        return (protocol, host);
    }

    private static void Connect(ServerProtocol p, IPEndPoint client, long now)
    {
        p.OnMessage(client, ClientMessageKind.Discovery, now);
        p.OnMessage(client, ClientMessageKind.ConnectionSuccess, now);
    }

    [Fact]
    public void Eight_clients_that_only_heartbeat_keep_a_ninth_out_no_longer_than_the_idle_timeout()
    {
        // takeover: refuse, so only the idle timeout frees slots (with idle, a squatter's StartIO would also take I/O from the first).
        (ServerProtocol p, FakeServerHost host) = Create(SyfalaTakeover.Refuse);
        IPEndPoint[] squatters = Enumerable.Range(1, 8).Select(i => new IPEndPoint(IPAddress.Parse($"10.0.3.{i}"), 4000 + i)).ToArray();
        foreach (IPEndPoint s in squatters)
        {
            Connect(p, s, 0);
        }

        IPEndPoint legit = IPEndPoint.Parse("10.0.4.1:6000");
        long connectedAt = -1;
        for (long t = 0; t <= 3 * IdleMs && connectedAt < 0; t += TickMs)
        {
            if (t % 100 == 0)
            {
                foreach (IPEndPoint s in squatters)
                {
                    p.OnMessage(s, ClientMessageKind.Heartbeat, t);
                    p.OnMessage(s, ClientMessageKind.StartIO, t); // asking for I/O (and failing, or not) does not count as activity
                    p.OnMessage(s, ClientMessageKind.Discovery, t); // nor does a Discovery, and after an eviction it meets the hold-off
                }
            }

            if (t % 250 == 0)
            {
                p.OnMessage(legit, ClientMessageKind.Discovery, t); // the client's discovery period
                if (host.SentTo(legit).Contains(ServerMessageKind.Connect))
                {
                    connectedAt = t;
                }
            }

            p.OnTick(t);
        }

        // The first squatter's StartIO succeeded (nobody held I/O) and it never sent audio; the other seven stayed idle.
        Assert.True(connectedAt > 0 && connectedAt <= IdleMs + 250 + TickMs, $"the legitimate client was offered Connect at {connectedAt} ms");
        Assert.True(p.Counters.OverMaxClients > 0, "before the idle timeout, max_clients kept it out");
        Assert.Equal(7, p.Counters.IdleEvicted);
        Assert.True(p.Counters.HeldOff > 0, "evicted squatters that discovered again were held off");
        Assert.All(squatters.Skip(1), s => Assert.Contains(ServerMessageKind.Disconnect, host.SentTo(s)));
    }

    [Fact]
    public void A_session_that_stops_IO_is_idle_again_from_its_StopIO()
    {
        (ServerProtocol p, FakeServerHost host) = Create();
        Connect(p, Holder, 0);
        p.OnMessage(Holder, ClientMessageKind.StartIO, 0);
        for (long t = 0; t <= 20_000; t += 100)
        {
            host.Audio[Holder] = t;
            p.OnMessage(Holder, ClientMessageKind.Heartbeat, t);
            p.OnTick(t);
        }

        Assert.Equal(SessionState.Running, p.StateOf(Holder)); // running I/O is never idle-evicted
        p.OnMessage(Holder, ClientMessageKind.StopIO, 20_000);
        host.Audio.Remove(Holder);
        for (long t = 20_000; t <= 20_000 + IdleMs; t += 100)
        {
            p.OnMessage(Holder, ClientMessageKind.Heartbeat, t);
            p.OnTick(t);
        }

        Assert.Equal(SessionState.Connected, p.StateOf(Holder));
        p.OnTick(20_000 + IdleMs + 1);
        Assert.Null(p.StateOf(Holder));
        Assert.Equal(ServerMessageKind.Disconnect, host.SentTo(Holder).Last());
        Assert.Contains((ProtocolEvent.IdleEvicted, Holder, 1), host.Reports);
        Assert.Equal("end session", host.Log.Last());
    }

    [Fact]
    public void One_address_holds_at_most_max_clients_per_address_sessions()
    {
        (ServerProtocol p, FakeServerHost host) = Create(perAddress: 2);
        for (int port = 1; port <= 5; port++)
        {
            p.OnMessage(new IPEndPoint(Holder.Address, port), ClientMessageKind.Discovery, 0);
        }

        p.OnMessage(Asker, ClientMessageKind.Discovery, 0);
        Assert.Equal(3, p.SessionCount);
        Assert.Equal(3, p.Counters.OverPerAddress);
        Assert.Equal(3, host.Sent.Count(s => s.Kind == ServerMessageKind.Connect));
        p.OnMessage(new IPEndPoint(Holder.Address, 1), ClientMessageKind.Disconnect, 1);
        p.OnMessage(new IPEndPoint(Holder.Address, 6), ClientMessageKind.Discovery, 2); // a slot of that address was freed
        Assert.Equal(SessionState.Offered, p.StateOf(new IPEndPoint(Holder.Address, 6)));
    }

    [Fact]
    public void The_allow_list_refuses_every_other_address_and_counts_it()
    {
        (ServerProtocol p, FakeServerHost host) = Create(allow: ["10.0.1.1/32", "192.168.0.0/24"]);
        p.OnMessage(Holder, ClientMessageKind.Discovery, 0);
        p.OnMessage(IPEndPoint.Parse("192.168.0.77:1"), ClientMessageKind.Discovery, 0);
        p.OnMessage(IPEndPoint.Parse("[::ffff:192.168.0.78]:1"), ClientMessageKind.Discovery, 0); // IPv4-mapped: the same network
        foreach (string other in new[] { "10.0.1.2:5000", "192.168.1.1:1", "[::1]:1", "8.8.8.8:53" })
        {
            p.OnMessage(IPEndPoint.Parse(other), ClientMessageKind.Discovery, 0);
        }

        Assert.Equal(3, p.SessionCount);
        Assert.Equal(4, p.Counters.NotAllowed);
        Assert.Equal(3, host.Sent.Count);
    }

    /// <summary>A holder that started I/O at 0 and only heartbeats; at <paramref name="askMs"/> another client asks StartIO.</summary>
    private static (ServerProtocol P, FakeServerHost Host) HolderThenAsker(SyfalaTakeover takeover, long askMs, bool holderSendsAudio = false, bool receivesAudio = true)
    {
        (ServerProtocol p, FakeServerHost host) = Create(takeover, receivesAudio: receivesAudio);
        Connect(p, Holder, 0);
        p.OnMessage(Holder, ClientMessageKind.StartIO, 0);
        Connect(p, Asker, askMs - 10);
        for (long t = 0; t <= askMs; t += 100)
        {
            p.OnMessage(Holder, ClientMessageKind.Heartbeat, t);
            p.OnMessage(Asker, ClientMessageKind.Heartbeat, t);
            if (holderSendsAudio)
            {
                host.Audio[Holder] = t;
            }

            p.OnTick(t);
        }

        p.OnMessage(Asker, ClientMessageKind.StartIO, askMs);
        return (p, host);
    }

    [Fact]
    public void Takeover_refuse_keeps_a_silent_holder_running()
    {
        (ServerProtocol p, FakeServerHost host) = HolderThenAsker(SyfalaTakeover.Refuse, askMs: 3 * IdleMs);
        Assert.Equal(ServerMessageKind.StartIOFailed, host.SentTo(Asker).Last());
        Assert.Equal(Holder, p.RunningClient);
        Assert.Equal(1, p.Counters.TakeoverRefused);
        Assert.Equal(0, p.Counters.TakenOver);
    }

    [Fact]
    public void Takeover_idle_refuses_before_the_idle_timeout_and_grants_after_it()
    {
        (ServerProtocol early, FakeServerHost earlyHost) = HolderThenAsker(SyfalaTakeover.Idle, askMs: IdleMs - 100);
        Assert.Equal(ServerMessageKind.StartIOFailed, earlyHost.SentTo(Asker).Last());
        Assert.Equal(Holder, early.RunningClient);

        (ServerProtocol p, FakeServerHost host) = HolderThenAsker(SyfalaTakeover.Idle, askMs: IdleMs);
        Assert.Equal(ServerMessageKind.StartIOSuccess, host.SentTo(Asker).Last());
        Assert.Equal(Asker, p.RunningClient);
        Assert.Equal(ServerMessageKind.Disconnect, host.SentTo(Holder).Last());
        Assert.Null(p.StateOf(Holder));
        Assert.Equal(1, p.Counters.TakenOver);
        Assert.Contains((ProtocolEvent.TakenOver, Holder, 1), host.Reports);
        int stop = host.Log.IndexOf("stop audio"), start = host.Log.LastIndexOf("start audio");
        Assert.True(stop >= 0 && start > stop, string.Join(", ", host.Log)); // the holder's audio stops before the asker's starts
    }

    [Fact]
    public void Takeover_idle_keeps_a_holder_whose_audio_arrives_and_refuses_on_a_server_that_receives_none()
    {
        (ServerProtocol p, FakeServerHost host) = HolderThenAsker(SyfalaTakeover.Idle, askMs: 3 * IdleMs, holderSendsAudio: true);
        Assert.Equal(ServerMessageKind.StartIOFailed, host.SentTo(Asker).Last());
        Assert.Equal(Holder, p.RunningClient);

        (ServerProtocol q, FakeServerHost qHost) = HolderThenAsker(SyfalaTakeover.Idle, askMs: 3 * IdleMs, receivesAudio: false);
        Assert.Equal(ServerMessageKind.StartIOFailed, qHost.SentTo(Asker).Last());
        Assert.Equal(Holder, q.RunningClient);
    }

    [Fact]
    public void Takeover_newest_grants_at_once_even_from_a_holder_that_sends_audio()
    {
        (ServerProtocol p, FakeServerHost host) = HolderThenAsker(SyfalaTakeover.Newest, askMs: 200, holderSendsAudio: true);
        Assert.Equal(ServerMessageKind.StartIOSuccess, host.SentTo(Asker).Last());
        Assert.Equal(Asker, p.RunningClient);
        Assert.Equal(ServerMessageKind.Disconnect, host.SentTo(Holder).Last());
        Assert.Equal(0, p.Counters.TakeoverRefused);
    }
}
