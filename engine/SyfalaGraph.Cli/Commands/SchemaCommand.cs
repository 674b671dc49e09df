using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Schema;

namespace SyfalaGraph.Cli.Commands;

/// <summary>
/// <c>syfala-graph schema [--write [DIR]]</c>: the JSON Schema of graph files with every loaded node type's parameters,
/// printed, or written as <see cref="GraphSchema.FileName"/> into DIR (default: the current folder) for editors.
/// </summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        Option<string?> plugins = CommonOptions.Plugins();
        var write = new Option<string?>("--write")
        {
            Description = $"Write {GraphSchema.FileName} into this folder (default: the current folder) instead of printing it",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "DIR",
        };
        var command = new Command("schema", "Print a JSON Schema of graph files (for yaml-language-server / VS Code)") { plugins, write };
        command.SetAction(parse =>
        {
            using var host = CliServices.BuildHost(false);
            using PluginHost pluginHost = CliServices.LoadPlugins(host, parse.GetValue(plugins));
            NodeTypeRegistry registry = host.Services.GetRequiredService<NodeTypeRegistry>();
            string json = GraphSchema.ToJson(registry);
            if (parse.GetResult(write) is not OptionResult { Implicit: false })
            {
                Console.WriteLine(json);
                return ExitCodes.Success;
            }

            string dir = Path.GetFullPath(parse.GetValue(write) is { Length: > 0 } d ? d : ".");
            if (!Directory.Exists(dir))
            {
                Console.Error.WriteLine($"schema: no such folder '{dir}'");
                return ExitCodes.InvalidInput;
            }

            string path = Path.Combine(dir, GraphSchema.FileName);
            try
            {
                File.WriteAllText(path, json + Environment.NewLine);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"schema: cannot write '{path}': {ex.Message}");
                return ExitCodes.RuntimeFailure;
            }

            Console.WriteLine($"wrote {path} ({registry.Types.Count} node types)");
            Console.WriteLine($"attach it with a first line '# yaml-language-server: $schema={GraphSchema.FileName}' in a graph beside it, or the VS Code setting yaml.schemas");
            return ExitCodes.Success;
        });
        return command;
    }
}
