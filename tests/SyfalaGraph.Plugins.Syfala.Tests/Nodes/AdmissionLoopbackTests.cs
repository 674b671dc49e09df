using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>The server's admission policy against real sockets on loopback: squatters, and a Discovery flood against the log.</summary>
[Collection("Loopback")]
public sealed class AdmissionLoopbackTests(ITestOutputHelper output)
{
    private static readonly SyfalaStreamParameters[] Mono = [new() { Channels = 1, SampleType = SampleType.F32 }];

    private static SyfalaServerNode StartServer(SyfalaServerParameters parameters, CollectingLogger<SyfalaServerNode>? logger = null)
    {
        var server = new SyfalaServerNode(parameters, logger);
        server.Prepare(new PrepareContext("server", 48_000, 64, [1], [1], new TimedEventSink().Writer("server"), false));
        server.Start();
        return server;
    }

    private static Socket Bound(string address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        socket.ReceiveTimeout = 1;
        return socket;
    }

    private static bool ReceivedConnect(Socket socket, byte[] buffer)
    {
        while (socket.Available > 0)
        {
            int n = socket.Receive(buffer);
            if (n > 0 && buffer[0] == (byte)ServerMessageKind.Connect)
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public void Eight_squatters_that_only_heartbeat_keep_a_client_out_no_longer_than_the_idle_timeout()
    {
        const int IdleMs = 1500;
        using SyfalaServerNode server = StartServer(new SyfalaServerParameters
        {
            Bind = "127.0.0.1:0", Inputs = Mono, Outputs = Mono, LatencyFrames = 256, IdleTimeoutMs = IdleMs, Takeover = SyfalaTakeover.Refuse,
        });
        var target = new IPEndPoint(IPAddress.Loopback, server.LocalEndPoint!.Port);
        Socket[] squatters = Enumerable.Range(2, 8).Select(i => Bound($"127.0.0.{i}")).ToArray(); // 8 hosts: the per-address limit is not what stops them
        using Socket client = Bound("127.0.0.1");
        var buffer = new byte[2048];
        try
        {
            foreach (Socket s in squatters)
            {
                s.SendTo([(byte)ClientMessageKind.Discovery], target);
            }

            var clock = Stopwatch.StartNew();
            while (server.ConnectedClients < 8 && clock.ElapsedMilliseconds < 2000)
            {
                Thread.Sleep(1);
            }

            Assert.Equal(8, server.ConnectedClients);
            foreach (Socket s in squatters)
            {
                s.SendTo([(byte)ClientMessageKind.ConnectionSuccess], target);
            }

            clock.Restart();
            long lastBeat = -100, lastDiscovery = -250, connectedMs = -1;
            while (connectedMs < 0 && clock.ElapsedMilliseconds < 3 * IdleMs)
            {
                long now = clock.ElapsedMilliseconds;
                if (now - lastBeat >= 100)
                {
                    lastBeat = now;
                    foreach (Socket s in squatters)
                    {
                        s.SendTo([(byte)ClientMessageKind.Heartbeat], target);
                    }
                }

                if (now - lastDiscovery >= 250)
                {
                    lastDiscovery = now;
                    client.SendTo([(byte)ClientMessageKind.Discovery], target);
                }

                if (ReceivedConnect(client, buffer))
                {
                    connectedMs = clock.ElapsedMilliseconds;
                }

                Thread.Sleep(1);
            }

            SyfalaStatistics stats = server.Statistics;
            output.WriteLine($"the client was offered Connect {connectedMs} ms after the squatters connected (idle_timeout_ms {IdleMs}); " +
                $"over max_clients {stats.RefusedMaxClients}, idle evicted {stats.IdleEvicted}");
            // The bound: the idle timeout, plus the client's discovery period (250 ms) and scheduling on a loaded machine.
            Assert.True(connectedMs > 0 && connectedMs <= IdleMs + 250 + 500, $"offered Connect at {connectedMs} ms");
            Assert.True(stats.RefusedMaxClients > 0);
            Assert.Equal(8, stats.IdleEvicted);
        }
        finally
        {
            foreach (Socket s in squatters)
            {
                s.Dispose();
            }

            server.Stop();
        }
    }

    [Fact]
    public void A_Discovery_flood_from_many_ports_adds_no_more_log_lines_than_the_interval_bound()
    {
        var logger = new CollectingLogger<SyfalaServerNode>();
        using SyfalaServerNode server = StartServer(new SyfalaServerParameters { Bind = "127.0.0.1:0", Inputs = Mono, Outputs = Mono, LatencyFrames = 256 }, logger);
        var target = new IPEndPoint(IPAddress.Loopback, server.LocalEndPoint!.Port);
        Socket[] flood = Enumerable.Range(0, 400).Select(i => Bound($"127.0.{1 + (i / 100)}.{1 + (i % 100)}")).ToArray(); // 400 ports on 400 addresses
        try
        {
            Thread.Sleep(50);
            int before = logger.Messages.Count;
            var clock = Stopwatch.StartNew();
            long sent = 0;
            byte[] discovery = [(byte)ClientMessageKind.Discovery];
            while (clock.ElapsedMilliseconds < 2000)
            {
                foreach (Socket s in flood)
                {
                    s.SendTo(discovery, target);
                    sent++;
                }
            }

            Thread.Sleep((int)LogRateLimiter.IntervalMs + 200); // the summary of the last window
            long spanMs = clock.ElapsedMilliseconds;
            string[] lines = logger.Messages.Skip(before).ToArray();
            SyfalaStatistics stats = server.Statistics;
            long bound = ((spanMs + LogRateLimiter.IntervalMs - 1) / LogRateLimiter.IntervalMs + 1) * LogRateLimiter.MaxLinesPerInterval;
            output.WriteLine($"{sent} Discovery sent in 2 s from {flood.Length} ports ({sent / 2} /s); {lines.Length} log lines over {spanMs} ms (bound {bound}); " +
                $"datagrams received {stats.DatagramsReceived}, over max_clients {stats.RefusedMaxClients}, abandoned {stats.HandshakesAbandoned}, " +
                $"control dropped {stats.ControlDropped}, lines suppressed {stats.LogLinesSuppressed}");
            foreach (string line in lines.Take(8))
            {
                output.WriteLine(line);
            }

            Assert.True(lines.Length <= bound, $"{lines.Length} lines, bound {bound}");
            Assert.True(stats.RefusedMaxClients > 1000, $"{stats.RefusedMaxClients} Discoveries counted over max_clients");
            Assert.Contains(lines, l => l.Contains("over max_clients (8)", StringComparison.Ordinal));
        }
        finally
        {
            foreach (Socket s in flood)
            {
                s.Dispose();
            }

            server.Stop();
        }
    }
}
