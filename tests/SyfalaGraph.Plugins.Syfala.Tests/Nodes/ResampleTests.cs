using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>A client whose graph runs at another rate than the server's (<c>resample: true</c>), over real UDP sockets.</summary>
[Collection("Loopback")]
public sealed class ResampleTests(ITestOutputHelper output)
{
    private static readonly SyfalaStreamParameters[] Mono = [new() { Channels = 1, SampleType = SampleType.F32 }];

    private static SyfalaServerParameters Server() => new()
    {
        Bind = "127.0.0.1:0",
        Inputs = Mono,
        Outputs = Mono,
        LatencyFrames = 2048, // 43 ms: the machine running the tests is shared, and this is a real-time test
        Allow = ["127.0.0.0/8"],
    };

    private static Func<string, SyfalaClientParameters> Client(bool resample) => server => new()
    {
        Server = server,
        Inputs = Mono,
        Outputs = Mono,
        LatencyFrames = 2048, // 43 ms: the machine running the tests is shared, and this is a real-time test
        Resample = resample,
    };

    private static bool WaitRunning(LoopbackRig rig, double seconds)
    {
        for (double t = 0; t < seconds; t += 0.05)
        {
            if (rig.Client.IsRunningIO && rig.Server.IsRunningIO)
            {
                return true;
            }

            rig.RunBothRates(0.05);
        }

        return false;
    }

    /// <summary>
    /// A 44.1 kHz (or 96 kHz) client and a 48 kHz server exchange 1 kHz tones: each side receives a 1 kHz tone in its
    /// own samples (the clocks are the same machine's, so 1 kHz up to the bridges' settling), with no underflow in
    /// the second half. Purity is measured per 0.1 s window (a fit over longer spans also measures the ratio's slow
    /// wander while the loops settle, which takes about 10 s): the median is asserted loosely and reported.
    /// </summary>
    [Theory]
    [InlineData(44100)]
    [InlineData(96000)]
    public void A_client_at_another_rate_exchanges_tones_with_the_server_both_ways(double clientRate)
    {
        using var rig = LoopbackRig.Start(Server(), Client(resample: true), clientRate: clientRate);
        Assert.True(WaitRunning(rig, 5), $"no I/O session within 5 s; refusal: {rig.Client.LastRefusal}");
        const double Seconds = 8, Analysed = 3;
        var atClient = new List<float>();
        var atServer = new List<float>();
        long clientFrames = 0, serverFrames = 0;
        long clientUnderflowsAtHalf = -1, serverUnderflowsAtHalf = -1;
        rig.RunBothRates(Seconds,
            (r, client) =>
            {
                Span<float> dst = (client ? r.ClientIn : r.ServerIn)[0].GetChannel(0, r.Block);
                double rate = client ? r.ClientRate : LoopbackRig.Rate;
                long start = client ? clientFrames : serverFrames;
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * ((start + i) % (long)rate) / rate));
                }
            },
            (r, client) =>
            {
                if (client)
                {
                    atClient.AddRange(r.ClientOut[0].GetChannel(0, r.Block).ToArray());
                    clientFrames += r.Block;
                    if (clientFrames >= r.ClientRate * Seconds / 2 && clientUnderflowsAtHalf < 0)
                    {
                        clientUnderflowsAtHalf = r.Client.Statistics.Underflows;
                    }
                }
                else
                {
                    atServer.AddRange(r.ServerOut[0].GetChannel(0, r.Block).ToArray());
                    serverFrames += r.Block;
                    if (serverFrames >= LoopbackRig.Rate * Seconds / 2 && serverUnderflowsAtHalf < 0)
                    {
                        serverUnderflowsAtHalf = r.Server.Statistics.Underflows;
                    }
                }
            });

        (double clientHz, double clientThd) = Analyse(atClient, rig.ClientRate, Analysed);
        (double serverHz, double serverThd) = Analyse(atServer, LoopbackRig.Rate, Analysed);
        SyfalaStatistics cs = rig.Client.Statistics, ss = rig.Server.Statistics;
        output.WriteLine($"client at {rig.ClientRate} Hz receives {clientHz:F4} Hz, median THD+N per 0.1 s {clientThd:F1} dB; jitter buffer fill {cs.JitterBufferFillFrames} (ring, frames at the server's rate), drift {cs.ResampleRatioPpm:F1} ppm, underflows {cs.Underflows} ({clientUnderflowsAtHalf} by half time)");
        output.WriteLine($"server at {LoopbackRig.Rate} Hz receives {serverHz:F4} Hz, median THD+N per 0.1 s {serverThd:F1} dB; jitter buffer fill {ss.JitterBufferFillFrames}, drift {ss.ResampleRatioPpm:F1} ppm, underflows {ss.Underflows} ({serverUnderflowsAtHalf} by half time)");
        // A wrong conversion ratio would be off by 8.8 % (44.1 vs 48 kHz); the loops' settling moves it by < 0.1 %.
        Assert.InRange(clientHz, 998, 1002);
        Assert.InRange(serverHz, 998, 1002);
        // Real-time threads on a shared machine modulate the bridges' ratio while they settle: bounded loosely.
        Assert.InRange(clientThd, -200, -50);
        Assert.InRange(serverThd, -200, -50);
        Assert.Equal(clientUnderflowsAtHalf, cs.Underflows);
        Assert.Equal(serverUnderflowsAtHalf, ss.Underflows);
    }

    [Fact]
    public void Without_resample_a_server_at_another_rate_is_refused_with_a_hint()
    {
        using var rig = LoopbackRig.Start(Server(), Client(resample: false), clientRate: 44100);
        for (double t = 0; t < 5 && rig.Client.LastRefusal is null; t += 0.05)
        {
            rig.RunBothRates(0.05);
        }

        output.WriteLine(rig.Client.LastRefusal ?? "(none)");
        Assert.Equal("the server runs at 48000 Hz and the graph at 44100 Hz; set the graph's sample_rate to match, or resample: true", rig.Client.LastRefusal);
        Assert.False(rig.Client.IsRunningIO);
    }

    /// <summary>Tone frequency over the last <paramref name="seconds"/>, and the median THD+N of its 0.1 s windows.</summary>
    private static (double Hz, double MedianThdDb) Analyse(List<float> received, double rate, double seconds)
    {
        float[] x = received.Skip(received.Count - (int)(rate * seconds)).ToArray();
        var crossings = new RisingZeroCrossings();
        for (int i = 0; i < x.Length; i++)
        {
            crossings.Add(x[i], i);
        }

        int n = (int)(rate / 10);
        double[] windows = Enumerable.Range(0, x.Length / n)
            .Select(w => ToneAnalysis.ThdPlusNoiseDb(x.AsSpan(w * n, n), crossings.CyclesPerSample)).Order().ToArray();
        return (crossings.CyclesPerSample * rate, windows[windows.Length / 2]);
    }
}
