using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary><c>syfala-graph run --watch</c>: edits of the graph file are applied while the audio keeps going.</summary>
public class WatchTests
{
    private static readonly string Graph = RealtimeToneGraph.Yaml(0.5);

    [Fact]
    public async Task Edits_apply_live_invalid_versions_are_rejected_and_the_tone_stays_phase_continuous()
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
        await Task.Delay(700, TestContext.Current.CancellationToken);
        int exitCode = run.StopWith("TERM");
        string log = run.Log;
        Assert.True(exitCode == 0, log);
        Assert.True(log.Contains("reload: +0 node(s), ~1 params live", StringComparison.Ordinal), log);
        Assert.True(log.Contains("g.yaml:11:1: YAML syntax error", StringComparison.Ordinal), log);
        Assert.True(log.Contains("the running graph is unchanged", StringComparison.Ordinal), log);
        Assert.True(log.Contains("reload: +1 node(s)", StringComparison.Ordinal), log);

        (float[] s, int channels, _) = TestAudio.ReadWithSox(Path.Combine(dir, "out.wav"));
        Assert.Equal(1, channels);
        Assert.True(s.Length > 48000, "less than a second was recorded");
        double maxStep = 2 * Math.PI * 440 / 48000 * 0.5 * 1.001;
        for (int i = 1; i < s.Length; i++)
        {
            Assert.True(Math.Abs(s[i] - s[i - 1]) <= maxStep, $"discontinuity of {s[i] - s[i - 1]} at frame {i}");
        }

        Assert.InRange(s.TakeLast(4800).Max(Math.Abs), 0.5 * 0.501 * 0.99, 0.5 * 0.502 * 1.01);
    }
}
