using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Tests.TestNodes;

namespace SyfalaGraph.Engine.Tests.Runtime;

/// <summary>Edits that change the clocks restart the graph; others stay diffs (DESIGN §5).</summary>
public class GraphSessionTests
{
    private static string Graph(int rate, int block, double gainDb = 0) => $$"""
        version: 1
        settings: { clock: realtime, sample_rate: {{rate}}, block_frames: {{block}} }
        nodes:
          tone: { type: tone }
          gain: { type: gain, params: { gain_db: {{gainDb}} } }
          cap: { type: test.capture }
        links:
          - tone.out -> gain.in
          - gain.out -> cap.in
        """;

    [Fact]
    public async Task A_sample_rate_or_block_change_restarts_the_graph_and_other_edits_stay_diffs()
    {
        using var services = TestGraphs.Services();
        var runtime = GraphRuntime.Create(TestGraphs.Load(Graph(48000, 64)), services);
        runtime.Start();
        using var session = new GraphSession(runtime, services, new RuntimeOptions(), NullLogger.Instance);
        await Task.Delay(100, TestContext.Current.CancellationToken);

        Assert.NotNull(session.Apply(TestGraphs.Load(Graph(48000, 64, gainDb: -6))));
        Assert.Same(runtime, session.Current);

        Assert.Null(session.Apply(TestGraphs.Load(Graph(44100, 128, gainDb: -6))));
        GraphRuntime restarted = session.Current;
        Assert.NotSame(runtime, restarted);
        Assert.True(runtime.IsStopping);
        Assert.Equal(44100, restarted.SampleRate);
        Assert.Equal(128, restarted.BlockFrames);
        Assert.Equal(1, session.Restarts);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.True(restarted.FramesProcessed > 0, "the restarted graph does not run");
        Assert.False(session.Completion.IsCompleted, "a restart must not end the session");
        Assert.True(((CaptureNode)restarted.GetNode("cap")).Consumer!.AvailableToRead > 0);
    }

    [Fact]
    public void A_line_added_above_the_settings_is_a_diff_not_a_restart()
    {
        using var services = TestGraphs.Services();
        var runtime = GraphRuntime.Create(TestGraphs.Load(Graph(48000, 64)), services);
        runtime.Start();
        using var session = new GraphSession(runtime, services, new RuntimeOptions(), NullLogger.Instance);

        // settings.clock moves one line down: where it is written is not what it says.
        Assert.NotNull(session.Apply(TestGraphs.Load("# a comment\n" + Graph(48000, 64, gainDb: -3))));

        Assert.Same(runtime, session.Current);
        Assert.Equal(0, session.Restarts);
    }

    [Fact]
    public async Task A_restart_does_not_start_the_duration_again()
    {
        using var services = TestGraphs.Services();
        var options = new RuntimeOptions { DurationSeconds = 1.5 };
        var runtime = GraphRuntime.Create(TestGraphs.Load(Graph(48000, 64)), services, options);
        runtime.Start();
        using var session = new GraphSession(runtime, services, options, NullLogger.Instance);
        await Task.Delay(800, TestContext.Current.CancellationToken);

        Assert.Null(session.Apply(TestGraphs.Load(Graph(48000, 128))));
        await session.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // At least 0.8 s of the 1.5 s had passed at the restart: the new graph plays what is left, at most 0.7 s.
        GraphRuntime restarted = session.Current;
        Assert.NotSame(runtime, restarted);
        Assert.InRange(restarted.FramesProcessed, 1, (long)(0.7 * 48000));
    }

    [Fact]
    public async Task A_restart_whose_new_graph_cannot_be_built_leaves_the_old_one_playing()
    {
        using var services = TestGraphs.Services();
        var runtime = GraphRuntime.Create(TestGraphs.Load(Graph(48000, 64)), services);
        runtime.Start();
        using var session = new GraphSession(runtime, services, new RuntimeOptions(), NullLogger.Instance);
        string broken = """
            version: 1
            settings: { clock: a }
            nodes:
              a: { type: realtime.clock }
              b: { type: realtime.clock }
              t: { type: tone, clock: a }
              p: { type: test.tone_probe, clock: b }
            links:
              - { link: t.out -> p.in, latency_frames: 10 }
            """;
        Assert.Throws<GraphRuntimeException>(() => session.Apply(TestGraphs.Load(broken)));
        Assert.Same(runtime, session.Current);
        long before = runtime.FramesProcessed;
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.True(runtime.FramesProcessed > before, "the old graph stopped");
        Assert.False(runtime.IsStopping);
    }

    [Fact]
    public async Task The_session_completes_when_its_current_graph_ends()
    {
        using var services = TestGraphs.Services();
        var runtime = GraphRuntime.Create(TestGraphs.Load(Graph(48000, 64)), services, new RuntimeOptions { DurationSeconds = 0.3 });
        runtime.Start();
        using var session = new GraphSession(runtime, services, new RuntimeOptions { DurationSeconds = 0.3 }, NullLogger.Instance);
        await session.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
