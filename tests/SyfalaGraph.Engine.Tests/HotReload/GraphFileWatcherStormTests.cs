using System.Globalization;
using SyfalaGraph.Engine.HotReload;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Engine.Tests.HotReload;

/// <summary>
/// <c>--watch</c> under an edit storm, in real time (issue 15, item 9: 200 writes at 10 Hz gave 0 reloads). The exact
/// instants are <see cref="DebouncedActionTests"/>'s; this checks the watcher end to end with generous margins.
/// </summary>
public class GraphFileWatcherStormTests
{
    private static string Graph(int gainStep) => string.Create(CultureInfo.InvariantCulture, $$"""
        version: 1
        settings: { clock: realtime, sample_rate: 48000, block_frames: 64 }
        nodes:
          tone: { type: tone }
          gain: { type: gain, params: { gain_db: {{-0.01 * gainStep}} } }
          cap: { type: test.capture }
        links:
          - tone.out -> gain.in
          - gain.out -> cap.in
        """);

    private static double GainDb(GraphSession session) =>
        ((SyfalaGraph.Plugins.Core.GainParameters)session.Current.Graph.Find("gain")!.Parameters).GainDb;

    [Fact]
    public void Writes_10_ms_apart_for_3_s_reload_during_the_storm_and_the_last_version_after_it()
    {
        string dir = Directory.CreateTempSubdirectory("syfala-storm-").FullName;
        try
        {
            string path = Path.Combine(dir, "g.yaml");
            File.WriteAllText(path, Graph(0));
            using var services = TestGraphs.Services();
            var runtime = GraphRuntime.Create(TestGraphs.Load(Graph(0)), services);
            runtime.Start();
            var log = new ListLogger<GraphFileWatcher>(); // restarts and errors, for the failure message
            using var session = new GraphSession(runtime, services, new RuntimeOptions(), log);
            using var watcher = new GraphFileWatcher(path, session, TestGraphs.Registry(), log);
            Assert.Equal(TimeSpan.FromMilliseconds(150), watcher.Debounce);
            Assert.Equal(TimeSpan.FromSeconds(1), watcher.MaxWait);
            int reloads = 0;
            // What the watcher did and when (ms from here), for the failure message: a reload applied, or a version refused.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var trace = new System.Collections.Concurrent.ConcurrentQueue<string>();
            watcher.Reloaded += r =>
            {
                Interlocked.Increment(ref reloads);
                trace.Enqueue($"applied at {clock.ElapsedMilliseconds} ms: {r}");
            };
            watcher.Rejected += m => trace.Enqueue($"refused at {clock.ElapsedMilliseconds} ms: {m}");

            // 10 ms between writes: far inside the 150 ms debounce, whatever the scheduler does to the sleeps.
            int step = 0;
            var storm = System.Diagnostics.Stopwatch.StartNew();
            while (storm.Elapsed < TimeSpan.FromSeconds(3))
            {
                File.WriteAllText(path, Graph(++step));
                Thread.Sleep(10);
            }

            int duringStorm = Volatile.Read(ref reloads);
            Assert.True(duringStorm >= 1, $"no reload during a 3 s storm of {step} writes (maximum wait {watcher.MaxWait.TotalSeconds} s); the watcher so far: {string.Join(" | ", trace)}; its log: {string.Join(" | ", log.Lines)}");

            // The last version is applied once the storm is over (within a generous 10 s).
            double last = -0.01 * step;
            var after = System.Diagnostics.Stopwatch.StartNew();
            while (GainDb(session) != last && after.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(20);
            }

            Assert.Equal(last, GainDb(session));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
