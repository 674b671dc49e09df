using System.Globalization;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>
/// Figures to report, not to assert (the machine is shared): end-to-end latency, channel capacity, CPU per stream.
/// Each test asserts only that audio flowed; the figures are written to the test output.
/// </summary>
[Collection("Loopback")]
[Trait("Category", "Benchmark")]
public sealed class LoopbackBenchmarks(ITestOutputHelper output)
{
    private static SyfalaStreamParameters[] Streams(int channels) => [new() { Channels = channels, SampleType = SampleType.F32 }];

    [Theory]
    [InlineData(96)] // with drift compensation the smallest target for 32-frame blocks is 82 frames
    [InlineData(128)]
    public void End_to_end_latency_at_32_frame_blocks(int latencyFrames)
    {
        SyfalaStreamParameters[] mono = Streams(1);
        using var rig = LoopbackRig.Start(
            new SyfalaServerParameters { Bind = "127.0.0.1:0", Outputs = mono, LatencyFrames = latencyFrames },
            s => new SyfalaClientParameters { Server = s, Outputs = mono, LatencyFrames = latencyFrames },
            block: 32);
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        var latencies = new List<long>();
        for (int pulse = 0; pulse < 20; pulse++)
        {
            long sentAt = -1;
            long arrivedAt = -1;
            for (int b = 0; b < 300 && arrivedAt < 0; b++)
            {
                rig.RunBlock(
                    r =>
                    {
                        Span<float> s = r.ClientIn[0].GetChannel(0, r.Block);
                        s.Fill(b >= 50 ? 0.5f : 0f); // a step after 50 blocks of silence
                        sentAt = b == 50 ? r.FrameTime : sentAt;
                    },
                    r =>
                    {
                        // The half-amplitude crossing: the jitter buffer's resampler reproduces the step's 0.5 only
                        // to within float rounding (its rows sum to 1 in double, not in float), so no exact match.
                        int i = r.ServerOut[0].GetChannel(0, r.Block).IndexOfAnyExceptInRange(-0.25f, 0.25f);
                        arrivedAt = i >= 0 && sentAt >= 0 ? r.FrameTime + i : arrivedAt;
                    });
            }

            Assert.True(arrivedAt > 0, "the step never arrived");
            latencies.Add(arrivedAt - sentAt);
            for (int b = 0; b < 100; b++)
            {
                rig.RunBlock(r => r.ClientIn[0].Samples.AsSpan().Clear());
            }
        }

        latencies.Sort();
        long median = latencies[latencies.Count / 2];
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "latency_frames {0}, blocks of 32: end-to-end median {1} frames ({2:F2} ms), min {3}, max {4}; underflows {5}",
            latencyFrames, median, median / 48.0, latencies[0], latencies[^1], rig.Server.Statistics.Underflows));
    }

    [Fact]
    public void Channel_capacity_at_48_kHz_F32_over_loopback()
    {
        foreach (int channels in new[] { 32, 128, 256, 512, 1024 })
        {
            SyfalaStreamParameters[] streams = Streams(channels);
            using var rig = LoopbackRig.Start(
                new SyfalaServerParameters { Bind = "127.0.0.1:0", Outputs = streams, LatencyFrames = 2048 },
                s => new SyfalaClientParameters { Server = s, Outputs = streams, LatencyFrames = 2048 },
                block: 256);
            Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
            for (int b = 0; b < 375; b++)
            {
                rig.RunBlock(r => r.ClientIn[0].Samples.AsSpan().Fill(0.1f)); // 2 s
            }

            Thread.Sleep(200);
            SyfalaStatistics rx = rig.Server.Statistics;
            SyfalaStatistics tx = rig.Client.Statistics;
            double lossPct = 100.0 * rx.LostBytes / Math.Max(1, rx.AudioPayloadBytes + rx.LostBytes);
            output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0,5} ch F32: {1,8:F1} Mbit/s, {2} datagrams sent, lost {3:F4} %, underflows {4}, send-ring overflows {5}",
                channels, tx.BytesSent * 8 / 2e6, tx.DatagramsSent, lossPct, rx.Underflows, tx.SendOverflows));
            Assert.True(rx.AudioDatagrams > 0);
        }
    }

    [Fact]
    public void CPU_of_the_network_threads_per_2_channel_stream()
    {
        SyfalaStreamParameters[] stereo = Streams(2);
        using var rig = LoopbackRig.Start(
            new SyfalaServerParameters { Bind = "127.0.0.1:0", Inputs = stereo, Outputs = stereo, LatencyFrames = 1024 },
            s => new SyfalaClientParameters { Server = s, Inputs = stereo, Outputs = stereo, LatencyFrames = 1024 });
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        for (int b = 0; b < 375; b++)
        {
            rig.RunBlock(); // warm-up 0.5 s
        }

        Dictionary<string, double> before = NetworkThreadSeconds();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int b = 0; b < 2250; b++)
        {
            rig.RunBlock(r =>
            {
                r.ClientIn[0].Samples.AsSpan().Fill(0.1f);
                r.ServerIn[0].Samples.AsSpan().Fill(0.1f);
            });
        }

        double wall = clock.Elapsed.TotalSeconds;
        Dictionary<string, double> after = NetworkThreadSeconds();
        double total = after.Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key));
        foreach ((string thread, double seconds) in after)
        {
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} {1,6:F2} % of a core", thread, 100 * (seconds - before.GetValueOrDefault(thread)) / wall));
        }

        // 4 stream endpoints (each side sends one stereo stream and receives one): per stream = a sender + a receiver share.
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "4 threads, 2 stereo F32 streams (one each way): {0:F2} % of a core in total, {1:F2} % per stream (send + receive)",
            100 * total / wall, 100 * total / wall / 2));
        Assert.True(after.Count >= 4, $"found threads: {string.Join(", ", after.Keys)}");
    }

    /// <summary>utime + stime (s) of this process's threads whose Linux name starts with "rx syfala"/"tx syfala".</summary>
    private static Dictionary<string, double> NetworkThreadSeconds()
    {
        var result = new Dictionary<string, double>();
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            string comm;
            string stat;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            if (!comm.StartsWith("rx syfala", StringComparison.Ordinal) && !comm.StartsWith("tx syfala", StringComparison.Ordinal))
            {
                continue;
            }

            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            result[comm + " " + Path.GetFileName(task)] = ticks / 100.0; // USER_HZ
        }

        return result;
    }
}
