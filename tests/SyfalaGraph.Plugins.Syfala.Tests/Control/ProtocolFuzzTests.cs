using System.Net;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Control;

/// <summary>A million random messages into each state machine and the reassembler: no exception, invariants hold.</summary>
// CPU-heavy: never alongside the real-time loopback tests (same collection = run one after the other).
[Collection("Loopback")]
public sealed class ProtocolFuzzTests
{
    private const int Messages = 1_000_000;

    [Fact]
    public void Server_state_machine_survives_a_million_random_messages()
    {
        var random = new Random(3);
        var host = new FakeServerHost();
        var peers = Enumerable.Range(0, 24).Select(i => new IPEndPoint(IPAddress.Parse($"10.0.{i % 3}.{i}"), 5000 + i)).ToArray();
        var protocol = new ServerProtocol(host, 8, [IPNetwork.Parse("10.0.0.0/23")], 100, 600);
        long now = 0;
        for (int i = 0; i < Messages; i++)
        {
            now += random.Next(0, 3);
            host.AllowStart = random.Next(10) != 0;
            protocol.OnMessage(peers[random.Next(peers.Length)], (ClientMessageKind)random.Next(0, 9), now);
            if ((i & 15) == 0)
            {
                protocol.OnTick(now);
            }

            if ((i & 1023) == 0)
            {
                host.Sent.Clear();
                host.Log.Clear();
                host.Reports.Clear();
                Assert.InRange(protocol.SessionCount, 0, 8);
                if (protocol.RunningClient is { } running)
                {
                    Assert.Equal(ServerProtocol.SessionState.Running, protocol.StateOf(running));
                    Assert.Equal(0, running.Address.GetAddressBytes()[2] & 2); // only allowed addresses get sessions
                }
            }
        }

        Assert.True(protocol.IgnoredUnknown > 0 && protocol.IgnoredNotAllowed > 0);
    }

    [Fact]
    public void Client_state_machine_survives_a_million_random_messages()
    {
        var random = new Random(5);
        var host = new FakeClientHost();
        var servers = new[] { IPEndPoint.Parse("10.0.0.1:6910"), IPEndPoint.Parse("10.0.0.2:6910") };
        var formats = new StreamFormats([StreamFormat.Standard], []);
        var protocol = new ClientProtocol(host, null, autoStart: true, 100, 600, 250, 1000);
        long now = 0;
        for (int i = 0; i < Messages; i++)
        {
            now += random.Next(0, 3);
            host.Now = now;
            host.Check = random.Next(20) == 0 ? _ => "no" : _ => null;
            var kind = (ServerMessageKind)random.Next(0, 10);
            protocol.OnMessage(servers[random.Next(2)], kind, kind == ServerMessageKind.Connect ? formats : null, now);
            if ((i & 7) == 0)
            {
                protocol.OnTick(now);
            }

            if ((i & 63) == 0 && random.Next(4) == 0)
            {
                protocol.RequestStop(now);
            }

            bool connected = protocol.State is not (ClientProtocol.ClientState.Discovering or ClientProtocol.ClientState.Refused);
            Assert.Equal(connected, protocol.Server is not null);
            if ((i & 1023) == 0)
            {
                host.Log.Clear();
                host.Sent.Clear();
                host.Reports.Clear();
            }
        }
    }

    [Fact]
    public void Reassembler_survives_a_million_random_datagrams_within_fixed_memory()
    {
        var random = new Random(9);
        var stats = new ReceiveStatistics();
        var buffer = new ReceiveBuffer(3, 64, 64);
        var reassembler = new StreamReassembler(buffer, stats, 3, 1455, measureJitter: true);
        reassembler.Reset(SampleType.I24, 48_000, 0.005, 1);
        var payload = new byte[1455];
        var block = new SyfalaGraph.Abstractions.Buffers.AudioBuffer(3, 64);
        ulong position = 0;
        long before = 0;
        for (int i = 0; i < Messages; i++)
        {
            if (i == 1000)
            {
                before = GC.GetAllocatedBytesForCurrentThread();
            }

            int length = random.Next(0, payload.Length + 1);
            random.NextBytes(payload.AsSpan(0, Math.Min(length, 32)));
            // `position` is the simulated sender's cursor.
            int what = random.Next(8);
            ulong index = what switch
            {
                0 => (ulong)random.NextInt64(),                                        // anywhere (a corrupted header)
                1 => position - Math.Min(position, (ulong)random.Next(0, 5000)),       // late or overlapping
                2 => position + (ulong)random.Next(1, 20_000),                         // after a loss: a gap
                _ => position,                                                         // in order
            };
            if (what >= 2)
            {
                position = index + (ulong)length;
            }

            reassembler.Accept(index, payload.AsSpan(0, length), i * 100L);
            reassembler.FlushExpired(i * 100L);
            while (buffer.FillFrames >= 64)
            {
                buffer.Read(block, 64);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(stats.Implausible > 0 && stats.Late > 0 && stats.Gaps > 0, $"implausible {stats.Implausible}, late {stats.Late}, gaps {stats.Gaps}, resyncs {stats.Resyncs}, delivered {stats.AudioDatagrams}");
    }
}
