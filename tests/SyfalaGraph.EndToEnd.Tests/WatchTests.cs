using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary><c>syfala-graph run --watch</c>: edits of the graph file are applied while the audio keeps going.</summary>
public class WatchTests
{
    private static readonly string Graph = RealtimeToneGraph.Yaml(0.5);

    [Fact]
    public async Task Edits_apply_live_invalid_versions_are_rejected_a_tone_mixed_in_then_removed_and_the_first_stays_phase_continuous()
    {
        string dir = RepoPaths.NewTempDir("watch");
        string file = Path.Combine(dir, "g.yaml");
        await File.WriteAllTextAsync(file, Graph, TestContext.Current.CancellationToken);
        using var run = new CliProcess(dir, "run", "g.yaml", "--watch");
        await run.WaitForLogAsync("watching ", TestContext.Current.CancellationToken);
        async Task Edit(string text)
        {
            await Task.Delay(700, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(file, text, TestContext.Current.CancellationToken);
        }

        await Edit(Graph.Replace("gain_db: 0", "gain_db: -6", StringComparison.Ordinal));
        await Edit(Graph.Replace("gain_db: 0", "gain_db: -6", StringComparison.Ordinal) + "nodes: [\n");
        string withMeter = Graph.Replace("gain_db: 0", "gain_db: -6", StringComparison.Ordinal)
            .Replace("  out:  {", "  level: { type: meter }\n  out:  {", StringComparison.Ordinal) + "  - gain.out -> level.in\n";
        await Edit(withMeter);
        string withSecondTone = withMeter
            .Replace("  out:  {", "  tone2: { type: tone, params: { frequency_hz: 1000, amplitude: 0.1 } }\n  mixer: { type: mix, params: { inputs: 2 } }\n  out:  {", StringComparison.Ordinal)
            .Replace("  - gain.out -> out.in\n", "  - gain.out -> mixer.in0\n  - tone2.out -> mixer.in1\n  - mixer.out -> out.in\n", StringComparison.Ordinal);
        Assert.NotEqual(withMeter, withSecondTone);
        await Edit(withSecondTone);
        await Edit(withMeter);
        await Task.Delay(700, TestContext.Current.CancellationToken);
        int exitCode = run.StopWith("TERM");
        string log = run.Log;
        Assert.True(exitCode == 0, log);
        Assert.True(log.Contains("reload: ~gain_db on gain (applied in", StringComparison.Ordinal), log);
        Assert.True(log.Contains("g.yaml:11:1: YAML syntax error", StringComparison.Ordinal), log);
        Assert.True(log.Contains("the running graph is unchanged", StringComparison.Ordinal), log);
        Assert.True(log.Contains("reload: +node level (meter), +link gain.out -> level.in (applied in", StringComparison.Ordinal), log);

        Assert.True(log.Contains("reload: +node tone2 (tone), +node mixer (mix), +link gain.out -> mixer.in0, +link tone2.out -> mixer.in1, "
            + "+link mixer.out -> out.in, -link gain.out -> out.in (applied in", StringComparison.Ordinal), log);
        Assert.True(log.Contains("reload: -node tone2, -node mixer, +link gain.out -> out.in, -link gain.out -> mixer.in0, -link mixer.out -> out.in, "
            + "-link tone2.out -> mixer.in1 (applied in", StringComparison.Ordinal), log); // and gone again

        (float[] s, int channels, _) = TestAudio.ReadWithSox(Path.Combine(dir, "out.wav"));
        Assert.Equal(1, channels);
        Assert.True(s.Length > 48000, "less than a second was recorded");

        // The 1 kHz tone is present in one stretch only, about as long as it stayed in the file (0.7 s + reload times).
        const int Window = 2400; // 50 ms: 50 cycles of 1 kHz, 22 of 440 Hz
        var present = Enumerable.Range(0, s.Length / Window).Select(w => Goertzel(s.AsSpan(w * Window, Window), 1000) > 0.05).ToArray();
        int first = Array.IndexOf(present, true), last = Array.LastIndexOf(present, true);
        Assert.True(first > 0, "the second tone never appeared, or was there from the start");
        Assert.True(present[first..(last + 1)].All(p => p), "the second tone came and went more than once");
        Assert.InRange((last - first + 1) * Window / 48000.0, 0.5, 1.5);
        Assert.True(last < present.Length - 2, "the second tone was not removed");

        // The first tone is phase-continuous throughout: sample steps stay within what the 440 Hz sine explains,
        // plus, around the second tone's stretch, its own steps and its abrupt start and end (up to its amplitude).
        double step440 = 2 * Math.PI * 440 / 48000 * 0.5 * 1.001;
        double step1000 = (2 * Math.PI * 1000 / 48000 * 0.1 * 1.001) + (0.1 * 1.001);
        for (int i = 1; i < s.Length; i++)
        {
            bool mixed = i >= (first - 2) * Window && i < (last + 3) * Window;
            Assert.True(Math.Abs(s[i] - s[i - 1]) <= step440 + (mixed ? step1000 : 0), $"discontinuity of {s[i] - s[i - 1]} at frame {i}");
        }

        Assert.InRange(s.TakeLast(4800).Max(Math.Abs), 0.5 * 0.501 * 0.99, 0.5 * 0.502 * 1.01);
    }

    [Fact]
    public async Task A_sample_rate_and_block_size_edit_restarts_the_graph_and_says_so()
    {
        string dir = RepoPaths.NewTempDir("watch-restart");
        string file = Path.Combine(dir, "g.yaml");
        await File.WriteAllTextAsync(file, Graph, TestContext.Current.CancellationToken);
        using var run = new CliProcess(dir, "run", "g.yaml", "--watch");
        await run.WaitForLogAsync("watching ", TestContext.Current.CancellationToken);
        await Task.Delay(700, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(file, Graph.Replace("sample_rate: 48000, block_frames: 64", "sample_rate: 44100, block_frames: 256", StringComparison.Ordinal),
            TestContext.Current.CancellationToken);
        await run.WaitForLogAsync("restart: ", TestContext.Current.CancellationToken);
        await Task.Delay(700, TestContext.Current.CancellationToken);
        int exitCode = run.StopWith("TERM");
        string log = run.Log;
        Assert.True(exitCode == 0, log);
        Assert.True(log.Contains("restart: sample_rate 48000 -> 44100 Hz, block_frames 64 -> 256: the graph restarted in", StringComparison.Ordinal), log);
        Assert.True(log.Contains("(figures since the last of 1 restart(s))", StringComparison.Ordinal), log);
        (float[] s, _, int rate) = TestAudio.ReadWithSox(Path.Combine(dir, "out.wav"));
        Assert.Equal(44100, rate); // the writer was restarted at the new rate
        Assert.True(s.Length > 44100 / 2, "the restarted graph recorded less than half a second");
    }

    /// <summary>Amplitude of the <paramref name="hz"/> component of <paramref name="x"/> (Goertzel, 48 kHz).</summary>
    private static double Goertzel(ReadOnlySpan<float> x, double hz)
    {
        double w = 2 * Math.PI * hz / 48000, coeff = 2 * Math.Cos(w), s1 = 0, s2 = 0;
        foreach (float v in x)
        {
            double s0 = v + (coeff * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return Math.Sqrt((s1 * s1) + (s2 * s2) - (coeff * s1 * s2)) * 2 / x.Length;
    }
}
