using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Tests.TestNodes;
using SyfalaGraph.Engine.Validation;
using SyfalaGraph.Plugins.Core;

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
    public async Task A_recreated_node_is_named_with_the_reason()
    {
        using var rt = GraphRuntime.Create(TestGraphs.Load(Base), TestGraphs.Services(), new RuntimeOptions { DurationSeconds = 60 });
        rt.Start();
        await Task.Delay(100, TestContext.Current.CancellationToken);

        ReloadSummary summary = rt.Apply(TestGraphs.Load(Base.Replace("gain: { type: gain, params: { gain_db: 0 } }", "gain: { type: meter }", StringComparison.Ordinal)));
        rt.Stop();

        Assert.Equal(["*gain recreated (type gain -> meter)"], summary.Changes);
        Assert.StartsWith("*gain recreated (type gain -> meter) (applied in ", summary.ToString(), StringComparison.Ordinal);
    }

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
        Assert.Equal(["~gain_db on gain", "+node level (meter)", "+link gain.out -> level.in"], first.Changes);
        var meter = rt.GetNode("level");
        await Task.Delay(200, TestContext.Current.CancellationToken);

        ReloadSummary second = rt.Apply(TestGraphs.Load(Base.Replace("gain_db: 0", "gain_db: -6", StringComparison.Ordinal)));
        Assert.Equal((0, 0, 1), (second.Added, second.UpdatedLive, second.Removed));
        Assert.Equal(["-node level", "-link gain.out -> level.in"], second.Changes);
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

    // An endless tone recorded by `cap`, as `syfala-graph run --watch --duration 4` runs it (256-frame blocks).
    private const string EndlessTone = """
        version: 1
        settings: { clock: realtime, sample_rate: 48000, block_frames: 256 }
        nodes:
          tone: { type: tone, params: { frequency_hz: 440, amplitude: 0.5 } }
          cap:  { type: test.capture }
        links:
          - tone.out -> cap.in
        """;

    // A 0.5 s square wave: every frame of signal is ±0.25, never 0.
    private const string Beep = "beep: { type: tone, params: { waveform: square, frequency_hz: 1000, amplitude: 0.25, duration_s: 0.5 } }";

    // The edit: the beep recorded by its own sink, both added together.
    private static readonly string WithBeep = EndlessTone.Replace("  cap:  { type: test.capture }",
        $"  cap:  {{ type: test.capture }}\n  {Beep}\n  beep_cap: {{ type: test.capture }}", StringComparison.Ordinal)
        + "\n  - beep.out -> beep_cap.in\n";

    /// <summary>Starts <see cref="EndlessTone"/>, adds the beep after 200 ms, and waits until the beep has played its last frame.</summary>
    private static async Task<GraphRuntime> RunAndAddBeepAsync(double durationSeconds)
    {
        var rt = GraphRuntime.Create(TestGraphs.Load(EndlessTone), TestGraphs.Services(), new RuntimeOptions { DurationSeconds = durationSeconds });
        try
        {
            rt.Start();
            await Task.Delay(200, TestContext.Current.CancellationToken);
            ReloadSummary summary = rt.Apply(TestGraphs.Load(WithBeep));
            Assert.Equal(2, summary.Added);
            var beep = (ToneNode)rt.GetNode("beep");
            var wait = System.Diagnostics.Stopwatch.StartNew();
            while (!beep.HasEnded && wait.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }

            Assert.True(beep.HasEnded, "the added tone did not end within 10 s");
            return rt;
        }
        catch
        {
            rt.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task Finite_tone_added_by_an_edit_plays_exactly_its_duration()
    {
        using GraphRuntime rt = await RunAndAddBeepAsync(durationSeconds: 60);
        await Task.Delay(100, TestContext.Current.CancellationToken); // a few blocks of silence after the end
        rt.Stop();

        // The beep and its sink went live in the same block: what the sink received is what the beep played, from
        // its first frame (Process ran on no other block of this instance before it went live).
        float[] got = ((CaptureNode)rt.GetNode("beep_cap")).Drain();
        Assert.True(got.Length > 24000, $"the sink received {got.Length} frames");
        Assert.Equal(24000, got.Count(x => x != 0));
        // Sample for sample, from the beep's first frame: a count alone cannot tell a beep that lost its first blocks
        // from a sink that recorded blocks the beep never played.
        Assert.Equal(RenderBeepOffline(), got[..24000]);
        Assert.All(got[24000..], x => Assert.Equal(0f, x));
    }

    /// <summary>The beep as an offline graph that has only it renders it: exactly its 24,000 frames.</summary>
    private static float[] RenderBeepOffline()
    {
        using var rt = GraphRuntime.Create(TestGraphs.Load($$"""
            version: 1
            settings: { clock: offline, sample_rate: 48000, block_frames: 256 }
            nodes:
              {{Beep}}
              cap: { type: test.capture }
            links:
              - beep.out -> cap.in
            """), TestGraphs.Services());
        rt.Start();
        Assert.True(TestGraphs.WaitForEnd(rt, 30), "the offline beep did not end");
        rt.Stop();
        float[] beep = ((CaptureNode)rt.GetNode("cap")).Drain();
        Assert.Equal(24000, beep.Length);
        return beep;
    }

    [Fact]
    public async Task Finite_tone_added_by_an_edit_ends_alone_and_the_endless_graph_plays_on_to_its_duration()
    {
        using GraphRuntime rt = await RunAndAddBeepAsync(durationSeconds: 4);
        long beepEnded = rt.FramesProcessed;
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(rt.Completion.IsCompleted, $"the graph ended at frame {rt.FramesProcessed}, with the added tone (ended by frame {beepEnded})");
        Assert.True(TestGraphs.WaitForEnd(rt, 20), "the graph did not end at its duration");
        rt.Stop();

        Assert.Equal(4 * 48000, rt.FramesProcessed); // ended by the duration
        float[] tone = ((CaptureNode)rt.GetNode("cap")).Drain();
        Assert.Equal(rt.FramesProcessed, tone.Length);
        float[] after = tone[(int)beepEnded..];
        Assert.True(after.Length >= 48000, $"only {after.Length} frames after the added tone ended");
        for (int s = 0; s + 4800 <= after.Length; s += 4800)
        {
            Assert.InRange(new ArraySegment<float>(after, s, 4800).Max(Math.Abs), 0.49f, 0.5f); // the endless tone plays on, every 100 ms
        }
    }
}
