using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Engine.HotReload;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Benchmarks.Engine;

/// <summary>
/// Hot-reload latency, from saving the graph file to the new schedule running: a <see cref="GraphRuntime"/> on the
/// realtime clock (48 kHz, 64-frame blocks) runs a <c>tone</c> feeding a chain of <c>gain</c> nodes (10 or 200 nodes
/// in all), watched by a <see cref="GraphFileWatcher"/> (debounce 20 ms). t0 is taken just before
/// <c>File.WriteAllText</c> of the edited file, t1 when <see cref="GraphFileWatcher.Reloaded"/> fires (Apply has
/// returned, so a block has run on the new schedule). The figure includes the debounce, the file-system
/// notification, reading, parsing and validating the file, and Apply; it is also given with the debounce subtracted,
/// and Apply alone (<see cref="ReloadSummary.Elapsed"/>). Not a BenchmarkDotNet benchmark (it needs a live clock and
/// a file watcher): run with <c>dotnet run -c Release --project bench/SyfalaGraph.Benchmarks -- reload-latency</c>.
/// </summary>
public static class ReloadLatency
{
    private const int DefaultEdits = 30;
    private const int WarmUpEdits = 3;
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs the measurement; args: optional <c>--edits N</c>.</summary>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        int edits = DefaultEdits;
        int at = Array.IndexOf(args, "--edits");
        if (at >= 0 && at + 1 < args.Length)
        {
            edits = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
        }

        var registry = new NodeTypeRegistry();
        IReadOnlyList<string> errors = registry.AddAssembly(typeof(SyfalaGraph.Plugins.Core.GainNode).Assembly, "Core");
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        var rows = new List<string>();
        foreach (int nodes in new[] { 10, 200 })
        {
            rows.Add(Measure(registry, nodes, "gain_db (live)", edits, LiveEdit));
            rows.Add(Measure(registry, nodes, "add/remove a node", edits, AddRemoveEdit));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Reload latency, {edits} edits per row, debounce {Debounce.TotalMilliseconds:F0} ms, 48 kHz / 64-frame blocks (period 1.33 ms), {Environment.ProcessorCount} cores"));
        Console.WriteLine();
        Console.WriteLine("| nodes | edit | save→running median (ms) | max (ms) | minus debounce median (ms) | max (ms) | Apply median (ms) | Apply max (ms) | xruns |");
        Console.WriteLine("|------:|------|-----------:|-----:|-----------:|-----:|-----------:|-----:|-----:|");
        foreach (string row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    // Edit i of a live-parameter run: a new gain_db on the middle gain (the node keeps its instance).
    private static string LiveEdit(int nodes, int i) => Yaml(nodes, middleGainDb: -1.0 - (i % 2 == 0 ? 0.0 : 0.5) - (i % 7 * 0.25), extra: false);

    // Edit i of an add/remove run: odd edits add one gain at the end of the chain, even edits remove it.
    private static string AddRemoveEdit(int nodes, int i) => Yaml(nodes, middleGainDb: -1.0, extra: i % 2 == 1);

    private static string Measure(NodeTypeRegistry registry, int nodes, string what, int edits, Func<int, int, string> edit)
    {
        string dir = Directory.CreateTempSubdirectory("syfalagraph-reload-latency-").FullName;
        string path = Path.Combine(dir, "graph.yaml");
        try
        {
            string initial = Yaml(nodes, middleGainDb: -1.0, extra: false);
            File.WriteAllText(path, initial);
            using ServiceProvider services = new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();
            var rt = GraphRuntime.Create(GraphValidator.Load(initial, path, path, registry), services);
            rt.Start();
            using var session = new GraphSession(rt, services, new RuntimeOptions(), NullLogger.Instance);
            using var watcher = new GraphFileWatcher(path, session, registry, NullLogger.Instance, Debounce);
            using var fired = new SemaphoreSlim(0);
            long firedAt = 0;
            ReloadSummary? last = null;
            string? rejected = null;
            watcher.Reloaded += s =>
            {
                Volatile.Write(ref firedAt, Stopwatch.GetTimestamp());
                last = s;
                fired.Release();
            };
            watcher.Rejected += m =>
            {
                rejected = m;
                fired.Release();
            };
            Thread.Sleep(300); // let the clock warm up

            var latencies = new List<double>();
            var applies = new List<double>();
            long xrunsAtStart = 0;
            for (int i = 1; i <= WarmUpEdits + edits; i++)
            {
                if (i == WarmUpEdits + 1)
                {
                    xrunsAtStart = rt.Xruns;
                }

                string text = edit(nodes, i);
                long t0 = Stopwatch.GetTimestamp();
                File.WriteAllText(path, text);
                if (!fired.Wait(TimeSpan.FromSeconds(10)))
                {
                    throw new TimeoutException($"no reload {i} within 10 s ({nodes} nodes, {what})");
                }

                if (rejected is not null)
                {
                    throw new InvalidOperationException($"reload {i} rejected: {rejected}");
                }

                double ms = Stopwatch.GetElapsedTime(t0, Volatile.Read(ref firedAt)).TotalMilliseconds;
                if (i > WarmUpEdits)
                {
                    latencies.Add(ms);
                    applies.Add(last!.Elapsed.TotalMilliseconds);
                }

                Thread.Sleep(50); // quiet time between saves, longer than the debounce
            }

            long xruns = rt.Xruns - xrunsAtStart;
            double debounce = Debounce.TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{nodes} nodes, {what}: save→running {string.Join(" ", latencies.Select(l => l.ToString("F1", CultureInfo.InvariantCulture)))}"));
            return string.Create(CultureInfo.InvariantCulture,
                $"| {nodes} | {what} | {Median(latencies):F1} | {latencies.Max():F1} | {Median(latencies) - debounce:F1} | {latencies.Max() - debounce:F1} | {Median(applies):F2} | {applies.Max():F2} | {xruns} |");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <summary><c>tone → g1 → … → g{nodes-1}</c> (nodes in all), optionally one more gain at the end.</summary>
    private static string Yaml(int nodes, double middleGainDb, bool extra)
    {
        int gains = nodes - 1;
        int middle = (gains + 1) / 2;
        var sb = new StringBuilder();
        sb.Append("""
            version: 1
            settings: { sample_rate: 48000, block_frames: 64, clock: realtime }
            nodes:
              tone: { type: tone, params: { frequency_hz: 440, amplitude: 0.5, channels: 2 } }

            """);
        for (int i = 1; i <= gains; i++)
        {
            double db = i == middle ? middleGainDb : -0.1;
            sb.Append(CultureInfo.InvariantCulture, $"  g{i}: {{ type: gain, params: {{ gain_db: {db} }} }}\n");
        }

        if (extra)
        {
            sb.Append("  extra: { type: gain, params: { gain_db: -3 } }\n");
        }

        sb.Append("links:\n  - tone.out -> g1.in\n");
        for (int i = 2; i <= gains; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - g{i - 1}.out -> g{i}.in\n");
        }

        if (extra)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - g{gains}.out -> extra.in\n");
        }

        return sb.ToString();
    }
}
