using System.Diagnostics;
using System.Globalization;
using System.Text;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Tests.TestNodes;

namespace SyfalaGraph.Engine.Tests.Runtime;

/// <summary>
/// Soak test of hot reload: many random valid edits applied to a graph running on the realtime clock, checking that
/// reloads drop no block, keep the sink instance, leak no node and no memory, and add no xrun beyond scheduling noise.
/// Runs alone (not in parallel with other test classes): GC.GetTotalMemory is process-wide (another test's 16 MB
/// capture ring would skew it), and parallel tests add CPU noise to the xrun counts.
/// </summary>
[Collection(nameof(ReloadSoakTests))]
public class ReloadSoakTests
{
    private const int Edits = 100;
    private const int Seed = 20261121;

    // Xruns on the realtime clock are counted when a block starts more than one period (1.33 ms) late. On a loaded
    // 2-core machine that happens from scheduling noise alone, so the edit phase is compared with an equally long
    // phase without edits on the same runtime (xunit runs other test classes in parallel, hence noise in both).
    // Measured on 2026-11-21 (2 cores, load average 3-7 from parallel builds): baseline 0-4 xruns, edit phase 3-36
    // with structural edits (3 with gain-only live edits), no GC during the edits, longest block 10-31 ms during
    // the edits vs ~1-2 ms before: structural reloads do delay the audio thread on this machine (it has no real-time
    // priority, and building nodes keeps the process busy). Strict mode (SYFALAGRAPH_STRICT_XRUNS=1, for a quiet
    // machine) asserts edits add at most baseline + 5 (5 % of the edits: absorbs the burstiness of noise between two
    // 2-3 s windows). The default asserts fewer xruns than half the edits over baseline: a reload that systematically
    // cost a block (>= 1 xrun per edit, ~100) fails either way. Blocks are never lost: the capture check is exact.
    // Since the realtime clock thread runs SCHED_FIFO (as root here): 3 xruns during the edits vs 0 baseline in three
    // runs, longest block 5-8 ms: JIT of new nodes' code on the audio thread. Since reloads warm new code up off the
    // audio thread (each new DSP node runs Process on its unpublished buffers; each node type runs a live parameter
    // change on scratch instances; new inputs are gathered once), five Release runs at load average 6-10 gave 0
    // xruns during the edits (baseline 0) and a longest block during the edits under 0.8 ms when the warm-up phase
    // itself had no longer one. Strict mode now asserts exactly baseline + 0; the default keeps a margin of 10 for
    // loaded CI machines (a reload that costs a block each time still fails by far).
    private const long StrictXrunMargin = 0;
    private const long DefaultXrunMargin = 10;

    // Heap growth allowed between the 10th and the 100th edit (after a full GC). The graph itself is a few kB; the
    // 16 MB capture ring is allocated once before the first measurement; 90 edits that each leaked a graph (nodes,
    // slots, buffers, validated documents) would exceed this. Measured: -8 kB .. +16 kB.
    private const long MemoryBoundBytes = 1 << 20;

    [Fact]
    public async Task Hundred_random_valid_edits_apply_without_dropped_blocks_or_leaked_nodes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        ITestOutputHelper? output = TestContext.Current.TestOutputHelper;
        var rng = new Random(Seed);
        long createdBefore = CountedNode.Created, disposedBefore = CountedNode.Disposed;
        long liveBefore = createdBefore - disposedBefore;

        SoakGraph first = SoakGraph.Random(rng);
        var rt = GraphRuntime.Create(TestGraphs.Load(first.Yaml()), TestGraphs.Services(), new RuntimeOptions { DurationSeconds = 60 });
        var cap = (CaptureNode)rt.GetNode("cap");
        Assert.Equal(first.CountedNodes, CountedNode.Created - createdBefore);
        long xrunsWarmUp, xrunsEdits, xrunsInApply = 0, xrunsDuringGcProbe = 0, xrunsBaseline;
        long memoryAfter10 = 0, memoryAfter100;
        int added = 0, removed = 0, live = 0, recreated = 0, gcDuringEdits;
        double maxApplyMs = 0, maxBlockWarmUpUs, maxBlockEditsUs, maxBlockBaselineUs;
        TimeSpan editPhase;
        try
        {
            rt.Start();
            await Task.Delay(500, ct); // warm-up: the first blocks (JIT, first touches) are not what is measured
            xrunsWarmUp = rt.Xruns;
            maxBlockWarmUpUs = rt.MaxCycleMicroseconds;
            int gcBefore = GC.CollectionCount(0);

            var phase = Stopwatch.StartNew();
            for (int i = 1; i <= Edits; i++)
            {
                SoakGraph next = SoakGraph.Random(rng);
                var graph = TestGraphs.Load(next.Yaml());
                long x = rt.Xruns;
                ReloadSummary summary = rt.Apply(graph);
                xrunsInApply += rt.Xruns - x;
                (added, removed, live, recreated) = (added + summary.Added, removed + summary.Removed, live + summary.UpdatedLive, recreated + summary.Recreated);
                maxApplyMs = Math.Max(maxApplyMs, summary.Elapsed.TotalMilliseconds);

                Assert.Same(cap, rt.GetNode("cap"));
                Assert.Equal(next.NodeCount, rt.Slots.Count);
                // Apply disposes replaced and removed nodes before it returns: live instances == those in the graph.
                Assert.Equal(next.CountedNodes, CountedNode.Live - liveBefore);
                Assert.Equal(0, rt.Faults);

                if (i == 10)
                {
                    // A blocking full GC pauses the audio thread too: it is the probe's cost, not the reload's.
                    phase.Stop();
                    long before = rt.Xruns;
                    memoryAfter10 = GC.GetTotalMemory(forceFullCollection: true);
                    await Task.Delay(50, ct); // a block delayed by the GC is counted inside the probe's window
                    xrunsDuringGcProbe = rt.Xruns - before;
                    phase.Start();
                }

                await Task.Delay(rng.Next(5, 31), ct);
            }

            editPhase = phase.Elapsed;
            xrunsEdits = rt.Xruns - xrunsWarmUp - xrunsDuringGcProbe;
            gcDuringEdits = GC.CollectionCount(0) - gcBefore - 1; // minus the probe's own collection
            maxBlockEditsUs = rt.MaxCycleMicroseconds;
            memoryAfter100 = GC.GetTotalMemory(forceFullCollection: true);

            // Baseline: the same length of time on the same runtime, without edits.
            await Task.Delay(100, ct); // a block delayed by the GC above is counted before the baseline starts
            long xrunsBefore = rt.Xruns;
            await Task.Delay(editPhase, ct);
            xrunsBaseline = rt.Xruns - xrunsBefore;
            maxBlockBaselineUs = rt.MaxCycleMicroseconds; // running max: only informative if it grew
            rt.Stop();

            Assert.Same(cap, rt.GetNode("cap"));
            float[] got = cap.Drain();
            Assert.True(rt.FramesProcessed < 1 << 22, "the run must fit in the capture ring");
            Assert.Equal(rt.FramesProcessed, got.Length); // every block reached the sink, none lost across 100 reloads
        }
        finally
        {
            rt.Dispose();
        }

        long created = CountedNode.Created - createdBefore, disposed = CountedNode.Disposed - disposedBefore;
        bool strict = Environment.GetEnvironmentVariable("SYFALAGRAPH_STRICT_XRUNS") == "1";
        long margin = strict ? StrictXrunMargin : DefaultXrunMargin;
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"edit phase {editPhase.TotalSeconds:F2} s; reloads: +{added} added, -{removed} removed, {live} live param updates, {recreated} recreated; max Apply {maxApplyMs:F1} ms; {gcDuringEdits} gen0 GC(s) during the edits"));
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"xruns: warm-up {xrunsWarmUp}, during edits {xrunsEdits} ({xrunsInApply} inside Apply; +{xrunsDuringGcProbe} during the GC probe, excluded), baseline without edits {xrunsBaseline}; margin {margin}{(strict ? " (strict)" : "")}"));
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"longest block: warm-up {maxBlockWarmUpUs:F0} us, up to the end of the edits {maxBlockEditsUs:F0} us, up to the end of the baseline {maxBlockBaselineUs:F0} us"));
        output?.WriteLine($"test.counted: created {created}, disposed {disposed}, disposed twice {CountedNode.DisposedTwice}");
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GC.GetTotalMemory(true): after 10 edits {memoryAfter10:N0} B, after 100 edits {memoryAfter100:N0} B, delta {memoryAfter100 - memoryAfter10:N0} B"));

        Assert.True(created > 0, "the random edits should have built some test.counted nodes");
        Assert.Equal(created, disposed);
        Assert.Equal(0, CountedNode.DisposedTwice);
        Assert.True(xrunsEdits <= xrunsBaseline + margin,
            $"{xrunsEdits} xruns during the edits vs {xrunsBaseline} in an equal run without edits (margin {margin})");
        Assert.True(memoryAfter100 - memoryAfter10 < MemoryBoundBytes,
            $"heap grew by {memoryAfter100 - memoryAfter10} bytes between the 10th and the 100th edit");
    }

    /// <summary>
    /// A random valid graph: <c>tone → [optional stages in random order] → (mix with optional extra tones) → cap</c>,
    /// plus optional dead-end taps. <c>tone</c> and <c>cap</c> are always there, unchanged (they must persist).
    /// </summary>
    private sealed class SoakGraph
    {
        private static readonly string[] StagePool = ["g1", "g2", "g3", "m1", "m2", "p1", "p2", "c1", "c2", "c3", "c4"];
        private static readonly string[] TapPool = ["t1", "t2", "m3"];

        private readonly List<(string Id, string Spec)> _nodes = [];
        private readonly List<string> _links = [];

        public int NodeCount => _nodes.Count;

        public int CountedNodes => _nodes.Count(n => n.Spec.Contains("test.counted", StringComparison.Ordinal));

        public static SoakGraph Random(Random rng)
        {
            var g = new SoakGraph();
            g._nodes.Add(("tone", "{ type: tone, params: { frequency_hz: 440, amplitude: 0.5 } }"));
            g._nodes.Add(("cap", "{ type: test.capture }"));

            string[] stages = StagePool.Where(_ => rng.NextDouble() < 0.5).OrderBy(_ => rng.Next()).ToArray();
            string upstream = "tone";
            var chain = new List<string> { "tone" };
            foreach (string id in stages)
            {
                g._nodes.Add((id, Spec(id, rng)));
                g._links.Add($"{upstream}.out -> {id}.in");
                upstream = id;
                chain.Add(id);
            }

            foreach (string tap in TapPool.Where(_ => rng.NextDouble() < 0.4))
            {
                g._nodes.Add((tap, Spec(tap, rng)));
                g._links.Add($"{chain[rng.Next(chain.Count)]}.out -> {tap}.in");
            }

            var extras = new List<string>();
            for (int x = 1; x <= 3; x++)
            {
                if (rng.NextDouble() >= 0.4)
                {
                    continue;
                }

                string id = $"x{x}";
                g._nodes.Add((id, string.Create(CultureInfo.InvariantCulture,
                    $"{{ type: tone, params: {{ frequency_hz: {rng.Next(100, 2001)}, amplitude: 0.1 }} }}")));
                if (rng.NextDouble() < 0.5)
                {
                    string via = $"cx{x}";
                    g._nodes.Add((via, Spec(via, rng)));
                    g._links.Add($"{id}.out -> {via}.in");
                    id = via;
                }

                extras.Add(id);
            }

            if (extras.Count == 0)
            {
                g._links.Add($"{upstream}.out -> cap.in");
            }
            else
            {
                string gains = string.Join(", ", Enumerable.Range(0, extras.Count + 1).Select(_ => (-rng.Next(0, 25) / 2.0).ToString(CultureInfo.InvariantCulture)));
                g._nodes.Add(("mix", $"{{ type: mix, params: {{ inputs: {extras.Count + 1}, gain_db: [{gains}] }} }}"));
                g._links.Add($"{upstream}.out -> mix.in0");
                for (int i = 0; i < extras.Count; i++)
                {
                    g._links.Add($"{extras[i]}.out -> mix.in{i + 1}");
                }

                g._links.Add("mix.out -> cap.in");
            }

            return g;
        }

        public string Yaml()
        {
            var sb = new StringBuilder();
            sb.Append("version: 1\nsettings: { clock: realtime, sample_rate: 48000, block_frames: 64 }\nnodes:\n");
            foreach ((string id, string spec) in _nodes)
            {
                sb.Append("  ").Append(id).Append(": ").Append(spec).Append('\n');
            }

            sb.Append("links:\n");
            foreach (string link in _links)
            {
                sb.Append("  - ").Append(link).Append('\n');
            }

            return sb.ToString();
        }

        private static string Spec(string id, Random rng) => id[0] switch
        {
            'g' => string.Create(CultureInfo.InvariantCulture, $"{{ type: gain, params: {{ gain_db: {-rng.Next(0, 25) / 2.0} }} }}"),
            'm' => string.Create(CultureInfo.InvariantCulture, $"{{ type: meter, params: {{ window_ms: {(rng.Next(2) == 0 ? 100 : 300)} }} }}"),
            'p' => "{ type: test.pass }",
            _ => string.Create(CultureInfo.InvariantCulture, $"{{ type: test.counted, params: {{ tag: {rng.Next(3)} }} }}"), // c*, t*, cx*
        };
    }
}

[CollectionDefinition(nameof(ReloadSoakTests), DisableParallelization = true)]
public sealed class ReloadSoakCollection;
