using System.Diagnostics;
using System.Globalization;
using System.Text;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Validation;
using SyfalaGraph.Engine.Yaml;

namespace SyfalaGraph.Benchmarks.Engine;

/// <summary>
/// <c>validate-scaling</c>: how the in-process cost of loading a graph grows with its size. For each N, two generated
/// graphs: <c>chain</c> (a stereo <c>tone</c> feeding N <c>gain</c> nodes in a chain: N + 1 nodes, N links),
/// <c>reversed</c> (the same chain written from its end back to the tone) and <c>nolink</c> (N <c>tone</c> nodes,
/// no links). Each is timed in three sections with a <see cref="Stopwatch"/>:
/// the YAML tree (<see cref="YamlTreeReader"/>), the whole parse (<see cref="GraphFileParser.Parse"/>, which builds the
/// tree again) and <see cref="GraphValidator.Validate"/> (types, parameters, ports, clock domains, cycles, channels,
/// schedule). Best of <c>--runs</c> runs (one run above 50k nodes). The validated graph's node, link, schedule and
/// domain counts are printed and checked, so a fast wrong answer cannot pass for a figure.
/// <c>--write DIR</c> also writes each graph as <c>DIR/KIND-N.yaml</c> for timing the CLI
/// (<c>bench/validate-scaling.sh</c>).
/// </summary>
internal static class ValidateScaling
{
    public static int Run(string[] args)
    {
        int[] sizes = [1_000, 10_000, 20_000, 40_000, 270_000];
        int runs = 3;
        string[] kinds = ["chain", "nolink", "reversed"];
        string? dir = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sizes" when i + 1 < args.Length:
                    sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--runs" when i + 1 < args.Length:
                    runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--kinds" when i + 1 < args.Length:
                    kinds = args[++i].Split(',');
                    break;
                case "--write" when i + 1 < args.Length:
                    dir = args[++i];
                    break;
                default:
                    Console.Error.WriteLine("usage: validate-scaling [--sizes 1000,10000,...] [--kinds chain,nolink,reversed] [--runs 3] [--write DIR]");
                    return 2;
            }
        }

        var registry = new NodeTypeRegistry();
        IReadOnlyList<string> loadErrors = registry.AddAssembly(typeof(SyfalaGraph.Plugins.Core.GainNode).Assembly, "Core");
        if (loadErrors.Count > 0)
        {
            Console.Error.WriteLine(string.Join("; ", loadErrors));
            return 1;
        }

        // Warm-up: JIT of the whole path on a small graph, so N = 1k is not a compile-time figure.
        Measure(Chain(100, reversed: true), "reversed", 100, 101, 100, registry, 3);
        Console.WriteLine("| graph | N | nodes | links | MB | YAML tree (ms) | parse (ms) | validate (ms) | parse + validate (ms) | µs per node |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int n in sizes)
        {
            foreach (string kind in kinds)
            {
                (string yaml, int nodes, int links) = kind switch
                {
                    "chain" => (Chain(n, reversed: false), n + 1, n),
                    "reversed" => (Chain(n, reversed: true), n + 1, n),
                    "nolink" => (NoLinks(n), n, 0),
                    _ => throw new ArgumentException($"unknown kind '{kind}': chain, nolink or reversed"),
                };
                if (dir is not null)
                {
                    Directory.CreateDirectory(dir);
                    File.WriteAllText(Path.Combine(dir, $"{kind}-{n}.yaml"), yaml);
                }

                (double tree, double parse, double validate) = Measure(yaml, kind, n, nodes, links, registry, n > 50_000 ? 1 : runs);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {kind} | {n} | {nodes} | {links} | {yaml.Length / 1e6:F1} | {tree:F0} | {parse:F0} | {validate:F0} | {parse + validate:F0} | {(parse + validate) * 1000 / nodes:F1} |"));
            }
        }

        return 0;
    }

    /// <summary>
    /// A stereo tone feeding <paramref name="n"/> gains in a chain: n + 1 nodes, n links. <paramref name="reversed"/>
    /// writes the nodes and the links from the end of the chain back to the tone: the worst file order for anything
    /// that resolves the graph by passes over the file until nothing changes (one pass per node).
    /// </summary>
    internal static string Chain(int n, bool reversed)
    {
        var sb = new StringBuilder(64 * n);
        sb.Append("version: 1\nsettings: { sample_rate: 48000, block_frames: 64, clock: offline }\nnodes:\n");
        for (int j = 0; j <= n; j++)
        {
            int i = reversed ? n - j : j;
            if (i == 0)
            {
                sb.Append("  tone: { type: tone, params: { frequency_hz: 440, amplitude: 0.5, channels: 2 } }\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"  g{i}: {{ type: gain, params: {{ gain_db: -0.1 }} }}\n");
            }
        }

        sb.Append("links:\n");
        for (int j = 1; j <= n; j++)
        {
            int i = reversed ? n + 1 - j : j;
            if (i == 1)
            {
                sb.Append("  - tone.out -> g1.in\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"  - g{i - 1}.out -> g{i}.in\n");
            }
        }

        return sb.ToString();
    }

    /// <summary><paramref name="n"/> tone nodes and no links.</summary>
    internal static string NoLinks(int n)
    {
        var sb = new StringBuilder(80 * n);
        sb.Append("version: 1\nsettings: { sample_rate: 48000, block_frames: 64, clock: offline }\nnodes:\n");
        for (int i = 1; i <= n; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  t{i}: {{ type: tone, params: {{ frequency_hz: 440, amplitude: 0.5 }} }}\n");
        }

        return sb.ToString();
    }

    private static (double Tree, double Parse, double Validate) Measure(string yaml, string kind, int n, int nodes, int links,
        NodeTypeRegistry registry, int runs)
    {
        double tree = double.MaxValue, parse = double.MaxValue, validate = double.MaxValue;
        for (int r = 0; r < runs; r++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var sw = Stopwatch.StartNew();
            _ = YamlTreeReader.Read(yaml, "g.yaml");
            tree = Math.Min(tree, sw.Elapsed.TotalMilliseconds);

            var errors = new List<GraphError>();
            sw.Restart();
            GraphDocument doc = GraphFileParser.Parse(yaml, "g.yaml", Path.Combine(Path.GetTempPath(), "g.yaml"), errors)
                ?? throw new InvalidOperationException("not parsed");
            parse = Math.Min(parse, sw.Elapsed.TotalMilliseconds);

            sw.Restart();
            ValidatedGraph? g = GraphValidator.Validate(doc, registry, errors);
            validate = Math.Min(validate, sw.Elapsed.TotalMilliseconds);
            if (g is null || errors.Count > 0)
            {
                throw new InvalidOperationException($"{kind}-{n}: {errors.Count} error(s): {string.Join("; ", errors.Take(3))}");
            }

            if (g.Nodes.Count != nodes || g.Links.Count != links || g.Order.Count != nodes || g.Domains.Count != 1
                || g.Domains[0].Order.Count != nodes)
            {
                throw new InvalidOperationException($"{kind}-{n}: {g.Nodes.Count} nodes, {g.Links.Count} links, {g.Order.Count} steps, {g.Domains.Count} domains");
            }
        }

        return (tree, parse, validate);
    }
}
