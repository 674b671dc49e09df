using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Tests.TestNodes;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Tests.Runtime;

public class ReloadTests
{
    private const string Base = """
        version: 1
        settings: { clock: realtime, sample_rate: 48000, block_frames: 64 }
        nodes:
          tone: { type: tone, params: { frequency_hz: 440, amplitude: 0.5 } }
          gain: { type: gain, params: { gain_db: 0 } }
          cap:  { type: test.capture }
        links:
          - tone.out -> gain.in
          - gain.out -> cap.in
        """;

    [Fact]
    public async Task Apply_keeps_unchanged_nodes_phase_continuous_takes_params_live_and_disposes_removed_nodes()
    {
        using var rt = GraphRuntime.Create(TestGraphs.Load(Base), TestGraphs.Services(), new RuntimeOptions { DurationSeconds = 60 });
        object tone = rt.GetNode("tone"), gain = rt.GetNode("gain"), cap = rt.GetNode("cap");
        var published = new List<ReloadSummary>();
        rt.Reloaded += published.Add;
        rt.Start();
        await Task.Delay(200, TestContext.Current.CancellationToken);

        ReloadSummary first = rt.Apply(TestGraphs.Load(Base.Replace("gain_db: 0", "gain_db: -6", StringComparison.Ordinal)
            .Replace("  cap:  { type: test.capture }", "  cap:  { type: test.capture }\n  level: { type: meter }", StringComparison.Ordinal)
            + "\n  - gain.out -> level.in\n"));
        Assert.Equal((1, 1, 0, 0, 1), (first.Added, first.UpdatedLive, first.Recreated, first.Removed, first.LinksChanged));
        var meter = rt.GetNode("level");
        await Task.Delay(200, TestContext.Current.CancellationToken);

        ReloadSummary second = rt.Apply(TestGraphs.Load(Base.Replace("gain_db: 0", "gain_db: -6", StringComparison.Ordinal)));
        Assert.Equal((0, 0, 1), (second.Added, second.UpdatedLive, second.Removed));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        rt.Stop();

        Assert.Equal([first, second], published);
        Assert.Equal(2, rt.Reloads);
        Assert.True(rt.LastReloadMilliseconds > 0);
        Assert.Same(tone, rt.GetNode("tone"));
        Assert.Same(gain, rt.GetNode("gain"));
        Assert.Same(cap, rt.GetNode("cap"));
        Assert.DoesNotContain(rt.Slots, s => s.Instance == meter);
        float[] got = ((CaptureNode)cap).Drain();
        Assert.Equal(rt.FramesProcessed, got.Length); // no block lost or repeated across reloads
        double maxStep = 2 * Math.PI * 440 / 48000 * 0.5 * 1.001;
        for (int i = 1; i < got.Length; i++)
        {
            Assert.True(Math.Abs(got[i] - got[i - 1]) <= maxStep, $"step of {got[i] - got[i - 1]} at frame {i}");
        }

        float lastPeak = got.TakeLast(4800).Max(Math.Abs);
        Assert.InRange(lastPeak, 0.5 * Math.Pow(10, -6 / 20.0) * 0.99, 0.5 * Math.Pow(10, -6 / 20.0) * 1.01);
    }

    [Fact]
    public void Apply_refuses_a_settings_change_and_leaves_the_graph_running()
    {
        using var rt = GraphRuntime.Create(TestGraphs.Load(Base), TestGraphs.Services(), new RuntimeOptions { DurationSeconds = 5 });
        rt.Start();
        Assert.Throws<NotSupportedException>(() => rt.Apply(TestGraphs.Load(Base.Replace("block_frames: 64", "block_frames: 128", StringComparison.Ordinal))));
        Assert.False(rt.Completion.IsCompleted);
        Assert.Equal(3, rt.Slots.Count);
    }
}
