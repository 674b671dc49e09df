using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Engine.Parameters;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Cli.Commands;

/// <summary><c>syfala-graph nodes</c>: every loaded node type with its parameters, defaults, units and ports.</summary>
internal static class NodesCommand
{
    public static Command Create()
    {
        Option<string?> plugins = CommonOptions.Plugins();
        Option<bool> verbose = CommonOptions.Verbose();
        var command = new Command("nodes", "List the node types of the loaded plugins") { plugins, verbose };
        command.SetAction(parse =>
        {
            using var host = CliServices.BuildHost(parse.GetValue(verbose));
            using PluginHost pluginHost = CliServices.LoadPlugins(host, parse.GetValue(plugins));
            var registry = host.Services.GetRequiredService<NodeTypeRegistry>();
            if (registry.Types.Values.All(t => t.PluginName == NodeTypeRegistry.BuiltInPluginName))
            {
                Console.Error.WriteLine($"no node types loaded from {pluginHost.PluginsDirectory}");
                return ExitCodes.RuntimeFailure;
            }

            foreach (NodeTypeDescriptor t in registry.Types.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                Print(t);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(NodeTypeDescriptor t)
    {
        var roles = new List<string>();
        if (t.IsDriver)
        {
            roles.Add("driver");
        }

        if (t.IsService)
        {
            roles.Add("service");
        }

        if (t.IsDecoupled)
        {
            roles.Add("decoupled");
        }

        Console.WriteLine($"{t.Name}  [{t.PluginName}]{(roles.Count > 0 ? "  (" + string.Join(", ", roles) + ")" : "")}");
        if (t.Description.Length > 0)
        {
            Console.WriteLine($"  {t.Description}");
        }

        foreach (ParameterDescriptor p in t.Parameters)
        {
            string def = p.IsRequired ? "required" : p.DefaultValue is null ? "optional" : "default " + Format(p.DefaultValue);
            string range = p.Range is null ? "" : $", {p.Range.Minimum}..{p.Range.Maximum}";
            string unit = p.Unit is null ? "" : " " + p.Unit;
            Console.WriteLine($"  {p.Name}: {ParameterDescriptor.TypeName(p.Type)}{unit} ({def}{range}){(p.Description.Length > 0 ? " — " + p.Description : "")}");
        }

        PortLayout? ports = DefaultPorts(t);
        if (ports is not null)
        {
            foreach (PortDeclaration port in ports.Inputs.Concat(ports.Outputs))
            {
                Console.WriteLine($"  {(port.Direction == PortDirection.Input ? "in " : "out")} {port.Name}: {port.Channels} channel(s){(port.Description.Length > 0 ? " — " + port.Description : "")}");
            }
        }
        else
        {
            Console.WriteLine("  ports depend on the parameters");
        }

        Console.WriteLine();
    }

    private static PortLayout? DefaultPorts(NodeTypeDescriptor t)
    {
        try
        {
            var p = (SyfalaGraph.Abstractions.Parameters.NodeParameters)Activator.CreateInstance(t.ParametersType)!;
            var layout = new PortLayout();
            p.DeclarePorts(layout);
            return layout;
        }
        catch (Exception)
        {
            return null; // e.g. a file reader needs a file to know its channel count
        }
    }

    private static string Format(object value) => value switch
    {
        Enum e => SnakeCase.From(e.ToString()),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
