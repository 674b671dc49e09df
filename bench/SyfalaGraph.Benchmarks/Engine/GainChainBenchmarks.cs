using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Benchmarks.Engine;

/// <summary>
/// The engine's cost per block: one <c>DomainCycle.Run(64)</c> over a stereo <c>tone</c> source feeding a chain
/// of 1, 10 or 100 <c>gain</c> nodes (each link is a single whole-port link, so inputs are aliased, not copied).
/// The runtime is built exactly as the CLI builds it (<see cref="GraphRuntime.Create"/>) but never started: no
/// driver thread runs; the benchmark drives a <see cref="DomainCycle"/> over the runtime's own slots and the
/// graph's topological order, the same two things <c>GraphRuntime.Create</c> puts into its cycle.
/// Includes what the cycle does per block besides the nodes (timestamps, counters, allocation probe).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GainChainBenchmarks
{
    private const int BlockFrames = 64;
    private const double SampleRate = 48000;

    private ServiceProvider? _services;
    private GraphRuntime? _runtime;
    private DomainCycle? _cycle;

    /// <summary>Number of gain nodes in the chain.</summary>
    [Params(1, 10, 100)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var registry = new NodeTypeRegistry();
        IReadOnlyList<string> errors = registry.AddAssembly(typeof(SyfalaGraph.Plugins.Core.GainNode).Assembly, "Core");
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        ValidatedGraph graph = GraphValidator.Load(Yaml(Nodes), "gain-chain.yaml", Path.Combine(Path.GetTempPath(), "gain-chain.yaml"), registry);
        _services = new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();
        _runtime = GraphRuntime.Create(graph, _services);
        var schedule = new Schedule(_runtime.Slots.ToArray(), graph.Order.ToArray(), [], []);
        _cycle = new DomainCycle(schedule, _runtime.SampleRate, _runtime.BlockFrames, offline: true, maxFrames: 0, measureNodes: false);
        _cycle.WarmUp();
        for (int i = 0; i < DomainCycle.WarmUpBlocks * 2; i++)
        {
            _cycle.Run(BlockFrames);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runtime?.Dispose();
        _services?.Dispose();
    }

    /// <summary>One block of 64 frames through the whole graph.</summary>
    [Benchmark]
    public bool Block() => _cycle!.Run(BlockFrames);

    private static string Yaml(int nodes)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"""
            version: 1
            settings: {"{"} sample_rate: {SampleRate}, block_frames: {BlockFrames}, clock: offline {"}"}
            nodes:
              tone: {"{"} type: tone, params: {"{"} frequency_hz: 440, amplitude: 0.5, channels: 2 {"}"} {"}"}

            """);
        // -0.1 dB: not unity (no shortcut can apply), and 100 stages stay far from denormals.
        for (int i = 1; i <= nodes; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  g{i}: {{ type: gain, params: {{ gain_db: -0.1 }} }}\n");
        }

        sb.Append("links:\n  - tone.out -> g1.in\n");
        for (int i = 2; i <= nodes; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - g{i - 1}.out -> g{i}.in\n");
        }

        return sb.ToString();
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new PerNodeColumn());
    }

    /// <summary>Mean time per block divided by the number of gain nodes (the tone source is not counted).</summary>
    private sealed class PerNodeColumn : IColumn
    {
        public string Id => nameof(PerNodeColumn);

        public string ColumnName => "ns/node";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Mean ns per block / number of gain nodes";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            object? nodes = benchmarkCase.Parameters[nameof(Nodes)];
            return mean is double m && nodes is int n && n > 0
                ? (m / n).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)
                : "-";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
