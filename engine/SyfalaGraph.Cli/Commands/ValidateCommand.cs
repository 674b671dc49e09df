using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Cli.Commands;

/// <summary><c>syfala-graph validate GRAPH</c>: every check that can be made without running.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        Argument<string> graph = CommonOptions.Graph();
        Option<string?> plugins = CommonOptions.Plugins();
        Option<bool> verbose = CommonOptions.Verbose();
        var duration = new Option<double?>("--duration") { Description = "The --duration the graph will be run with: an offline graph in which no source ends is valid only with one" };
        var command = new Command("validate", "Check a graph file completely without running it (exit 2 on errors)") { graph, plugins, duration, verbose };
        command.SetAction(parse =>
        {
            using var host = CliServices.BuildHost(parse.GetValue(verbose));
            using PluginHost pluginHost = CliServices.LoadPlugins(host, parse.GetValue(plugins));
            string path = parse.GetValue(graph)!;
            try
            {
                ValidatedGraph g = GraphValidator.LoadFile(path, host.Services.GetRequiredService<NodeTypeRegistry>());
                if (RenderEndCheck.Check(g, parse.GetValue(duration)) is { } endless)
                {
                    throw new GraphException([endless]);
                }

                GraphSettings s = g.Settings;
                var domains = g.Domains.Where(d => d.Nodes.Count > 0).ToList();
                Console.WriteLine($"{path}: valid: {g.Nodes.Count} nodes, {g.Links.Count} links, {domains.Count} clock domain(s) " +
                    $"({(s.SampleRate is double r ? r + " Hz" : "rate from the driver")}, {s.BlockFrames} frames per block)");
                foreach (ClockDomain d in domains)
                {
                    Console.WriteLine($"  domain '{d.Name}': {string.Join(", ", d.Nodes.Select(n => g.Nodes[n].Id))}");
                }

                foreach (ResolvedLink l in g.Links.Where(g.IsBridged))
                {
                    Console.WriteLine($"  bridge {l.Definition} ({g.DomainOf(g.Nodes[l.Source]).Name} -> {g.DomainOf(g.Nodes[l.Destination]).Name}, " +
                        $"latency {(l.Definition.LatencyFrames is int lf ? lf + " frames" : "default")}, quality {(l.Definition.Quality ?? Dsp.Resampling.ResamplerQuality.Medium).ToString().ToLowerInvariant()})");
                }

                return ExitCodes.Success;
            }
            catch (GraphException ex)
            {
                return GraphErrors.Report(ex);
            }
            catch (FileNotFoundException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }
}
