using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Schema;

namespace SyfalaGraph.Cli.Commands;

/// <summary><c>syfala-graph schema</c>: the JSON Schema of graph files with every loaded node type's parameters.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        Option<string?> plugins = CommonOptions.Plugins();
        var command = new Command("schema", "Print a JSON Schema of graph files (for yaml-language-server)") { plugins };
        command.SetAction(parse =>
        {
            using var host = CliServices.BuildHost(false);
            using PluginHost pluginHost = CliServices.LoadPlugins(host, parse.GetValue(plugins));
            Console.WriteLine(GraphSchema.ToJson(host.Services.GetRequiredService<NodeTypeRegistry>()));
            return ExitCodes.Success;
        });
        return command;
    }
}
