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
        var command = new Command("validate", "Check a graph file completely without running it (exit 2 on errors)") { graph, plugins, verbose };
        command.SetAction(parse =>
        {
            using var host = CliServices.BuildHost(parse.GetValue(verbose));
            using PluginHost pluginHost = CliServices.LoadPlugins(host, parse.GetValue(plugins));
            string path = parse.GetValue(graph)!;
            try
            {
                ValidatedGraph g = GraphValidator.LoadFile(path, host.Services.GetRequiredService<NodeTypeRegistry>());
                GraphSettings s = g.Settings;
                string clock = s.Clock == ClockKind.Node ? s.ClockNode! : s.Clock.ToString().ToLowerInvariant();
                Console.WriteLine($"{path}: valid: {g.Nodes.Count} nodes, {g.Links.Count} links; clock domain '{clock}' " +
                    $"({(s.SampleRate is double r ? r + " Hz" : "rate from the driver")}, {s.BlockFrames} frames per block): {string.Join(", ", g.Nodes.Select(n => n.Id))}");
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
