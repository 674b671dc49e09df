using System.Net;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>
/// Audio forged with the legitimate client's own address and port (sent through the client's socket, as a raw
/// socket or an on-path host would), over real loopback sockets: a live stream is neither steered nor muted.
/// </summary>
[Collection("Loopback")]
public sealed class SpoofedAudioTests(ITestOutputHelper output)
{
    private static readonly SyfalaStreamParameters[] Mono = [new() { Channels = 1, SampleType = SampleType.F32 }];

    private static void Ramp(LoopbackRig r)
    {
        Span<float> s = r.ClientIn[0].GetChannel(0, r.Block);
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = 0.001f * (1 + ((r.FrameTime + i) % 997));
        }
    }

    /// <summary>One forged audio datagram of 64 frames of zeros at <paramref name="byteIndex"/>, from the client's socket.</summary>
    private static void Forge(LoopbackRig rig, ulong byteIndex)
    {
        var payload = new byte[64 * 4];
        var message = ClientMessage.Audio(new AudioMessageHeader(0, byteIndex, (uint)payload.Length), payload);
        var bytes = new byte[SyfalaCodec.GetEncodedLength(message)];
        Assert.True(SyfalaCodec.TryEncode(message, bytes, out _));
        var server = new IPEndPoint(IPAddress.Loopback, rig.Server.LocalEndPoint!.Port);
        Assert.True(rig.Client.Audio!.Transport.TrySend(bytes, server.Serialize()));
    }

    [Theory]
    [InlineData(64, 1L << 40, 0)]        // issue 15: 64 datagrams at byte_idx + 2^40 in one burst
    [InlineData(6, 48_000L * 4, 2400)]   // six datagrams 1 s ahead, one every 200 ms (was: six 982 ms gaps)
    public void Forged_audio_from_the_clients_own_port_leaves_at_most_one_100_ms_gap_and_the_stream_recovers(int count, long aheadBytes, int spacingFrames)
    {
        var log = new CollectingLogger<SyfalaServerNode>();
        var server = new SyfalaServerParameters { Bind = "127.0.0.1:0", Inputs = Mono, Outputs = Mono, LatencyFrames = 512 };
        using var rig = LoopbackRig.Start(server, s => new() { Server = s, Inputs = Mono, Outputs = Mono, LatencyFrames = 512 }, serverLogger: log);
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        Action<LoopbackRig> ramp = Ramp;
        int blocksPerSecond = (int)(LoopbackRig.Rate / rig.Block);
        for (int b = 0; b < blocksPerSecond; b++)
        {
            rig.RunBlock(ramp); // 1 s: the jitter buffer is playing
        }

        Assert.True(rig.ServerOut[0].Samples[0] != 0, "the stream did not play before the forgery");
        SyfalaStatistics before = rig.Server.Statistics;
        var silentRuns = new List<int>();
        int run = 0, forged = 0, lastSilentBlock = -1;
        int spacingBlocks = Math.Max(1, spacingFrames / rig.Block);
        for (int b = 0; b < 3 * blocksPerSecond; b++)
        {
            if (forged < count && b % spacingBlocks == 0)
            {
                // Where the client's stream is now, plus the jump: what an attacker who sees the stream would send.
                ulong at = rig.Client.Audio!.Sender.BytesSent(0) + (ulong)aheadBytes;
                for (int k = 0; k < (spacingFrames == 0 ? count : 1); k++, forged++)
                {
                    Forge(rig, at + (ulong)(k * 64 * 4));
                }
            }

            rig.RunBlock(ramp);
            if (rig.ServerOut[0].Samples[0] == 0)
            {
                run++;
                lastSilentBlock = b;
            }
            else if (run > 0)
            {
                silentRuns.Add(run);
                run = 0;
            }
        }

        SyfalaStatistics rx = rig.Server.Statistics;
        string[] jumps = log.Messages.Where(m => m.Contains("byte_idx jumped", StringComparison.Ordinal)).ToArray();
        double blockMs = rig.Block / LoopbackRig.Rate * 1000;
        output.WriteLine($"forged {forged}; silent runs (ms): [{string.Join(", ", silentRuns.Select(r => (r * blockMs).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}]" +
            $"; off-stream {rx.Implausible - before.Implausible}, jumps rejected {rx.RejectedJumps - before.RejectedJumps}, resyncs {rx.Resyncs}, late {rx.Late - before.Late}, underflows {rx.Underflows - before.Underflows}, starved blocks {rx.StarvedBlocks - before.StarvedBlocks}");
        output.WriteLine(string.Join(Environment.NewLine, jumps));
        Assert.Equal(count, forged);
        Assert.Equal(count, rx.Implausible - before.Implausible);
        Assert.Equal(0, rx.Resyncs);
        Assert.InRange(rx.RejectedJumps - before.RejectedJumps, 1, count);
        Assert.Equal(0, rx.Late - before.Late);
        Assert.True(silentRuns.Count <= 1 && silentRuns.All(r => r * blockMs <= 100), $"silent runs {string.Join(", ", silentRuns)} blocks of {blockMs:F2} ms");
        Assert.True(run == 0 && lastSilentBlock < 2 * blocksPerSecond, $"the stream did not recover (silent at block {lastSilentBlock} of {3 * blocksPerSecond})");
        Assert.NotEmpty(jumps); // the rejected jumps are reported (rate-limited) by the control plane
        Assert.True(rig.Client.IsRunningIO && rig.Server.IsRunningIO);
    }
}
