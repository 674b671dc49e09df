using System.Collections;
using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Engine.Parameters;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Cli.Commands;

/// <summary>
/// <c>syfala-graph nodes [TYPE] [--json]</c>: the loaded node types (or one) with their parameters — YAML key, type,
/// unit, default and range in YAML spelling — and their ports with how each one's channel count is found, in the
/// manner of <c>gst-inspect-1.0</c>.
/// </summary>
internal static class NodesCommand
{
    public static Command Create()
    {
        var type = new Argument<string?>("type") { Description = "One node type to describe (e.g. tone); all when omitted", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print JSON (an array of node types) for scripts" };
        Option<string?> plugins = CommonOptions.Plugins();
        Option<bool> verbose = CommonOptions.Verbose();
        var command = new Command("nodes", "List the node types of the loaded plugins, or describe one") { type, json, plugins, verbose };
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

            List<NodeTypeDescriptor> types = [.. registry.Types.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];
            if (parse.GetValue(type) is { } name)
            {
                NodeTypeDescriptor? one = types.FirstOrDefault(t => t.Name == name);
                if (one is null)
                {
                    Console.Error.WriteLine($"no node type '{name}'{Suggestions.DidYouMean(name, types.Select(t => t.Name))}; `syfala-graph nodes` lists them");
                    return ExitCodes.InvalidInput;
                }

                types = [one];
            }

            if (parse.GetValue(json))
            {
                WriteJson(types);
            }
            else
            {
                types.ForEach(Print);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(NodeTypeDescriptor t)
    {
        List<string> roles = Roles(t);
        Console.WriteLine($"{t.Name}  [{t.PluginName}]{(roles.Count > 0 ? "  (" + string.Join(", ", roles) + ")" : "")}");
        if (t.Description.Length > 0)
        {
            Console.WriteLine($"  {t.Description}");
        }

        foreach (ParameterDescriptor p in t.Parameters)
        {
            string def = p.IsRequired ? "required" : p.DefaultValue is null ? "optional" : "default " + Yaml(p.DefaultValue);
            string range = Range(p) is { } r ? ", " + r : "";
            string unit = p.Unit is null ? "" : " " + p.Unit;
            Console.WriteLine($"  {p.Name}: {ParameterDescriptor.TypeName(p.Type)}{unit} ({def}{range}){(p.Description.Length > 0 ? " — " + p.Description : "")}");
        }

        foreach ((PortDeclaration port, string channels) in Ports(t))
        {
            Console.WriteLine($"  {(port.Direction == PortDirection.Input ? "in " : "out")} {port.Name}: {channels}{(port.Description.Length > 0 ? " — " + port.Description : "")}");
        }

        Console.WriteLine();
    }

    private static void WriteJson(List<NodeTypeDescriptor> types)
    {
        using var stream = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartArray();
        foreach (NodeTypeDescriptor t in types)
        {
            w.WriteStartObject();
            w.WriteString("type", t.Name);
            w.WriteString("plugin", t.PluginName);
            w.WriteString("description", t.Description);
            w.WriteStartArray("roles");
            Roles(t).ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteStartArray("parameters");
            foreach (ParameterDescriptor p in t.Parameters)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WriteString("type", ParameterDescriptor.TypeName(p.Type));
                WriteOrNull(w, "unit", p.Unit);
                w.WriteBoolean("required", p.IsRequired);
                WriteOrNull(w, "default", p.IsRequired || p.DefaultValue is null ? null : Yaml(p.DefaultValue));
                WriteOrNull(w, "range", Range(p));
                w.WriteString("description", p.Description);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("ports");
            foreach ((PortDeclaration port, string channels) in Ports(t))
            {
                w.WriteStartObject();
                w.WriteString("name", port.Name);
                w.WriteString("direction", port.Direction == PortDirection.Input ? "in" : "out");
                w.WriteString("channels", channels);
                w.WriteString("description", port.Description);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static List<string> Roles(NodeTypeDescriptor t)
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

        return roles;
    }

    /// <summary>
    /// The ports a node with default parameters declares, each with how its channel count is found. A fixed count of a
    /// type with required parameters (a file reader's path) depends on them, and is said so rather than shown as the
    /// count the empty defaults give.
    /// </summary>
    private static IEnumerable<(PortDeclaration Port, string Channels)> Ports(NodeTypeDescriptor t)
    {
        PortLayout layout;
        try
        {
            var p = (NodeParameters)Activator.CreateInstance(t.ParametersType)!;
            layout = new PortLayout();
            p.DeclarePorts(layout);
        }
        catch (Exception)
        {
            yield break; // ports that cannot be declared without real values; the parameters say what they depend on
        }

        string[] required = [.. t.Parameters.Where(p => p.IsRequired).Select(p => p.Name)];
        foreach (PortDeclaration port in layout.Inputs.Concat(layout.Outputs))
        {
            ChannelCount c = port.Channels;
            string channels = !c.IsInferred && required.Length > 0 ? $"channels set by {string.Join(", ", required)}"
                : !c.IsInferred ? $"{c.Count} channel(s) by default (set by the parameters)"
                : c.SameAsInput is { } input ? $"as many channels as {input}"
                : "as many channels as are linked into it";
            yield return (port, channels);
        }
    }

    /// <summary>A range in the graph file's terms: <c>0..1000</c>, <c>&gt; 0</c>, <c>≥ 1</c>; null when unbounded both ways.</summary>
    private static string? Range(ParameterDescriptor p)
    {
        if (p.Range is not { } r)
        {
            return null;
        }

        string? min = Bound(r.Minimum);
        string? max = Bound(r.Maximum);
        return (min, max) switch
        {
            (null, null) => null,
            ({ } lo, null) => (r.MinimumIsExclusive ? "> " : ">= ") + lo,
            (null, { } hi) => (r.MaximumIsExclusive ? "< " : "<= ") + hi,
            ({ } lo, { } hi) when !r.MinimumIsExclusive && !r.MaximumIsExclusive => $"{lo}..{hi}",
            ({ } lo, { } hi) => $"{(r.MinimumIsExclusive ? "> " : ">= ")}{lo} and {(r.MaximumIsExclusive ? "< " : "<= ")}{hi}",
        };
    }

    // The largest and smallest values of a type mean "no bound" in a RangeAttribute.
    private static string? Bound(object value) => value switch
    {
        double d when double.IsInfinity(d) || Math.Abs(d) == double.MaxValue => null,
        int i when i is int.MaxValue or int.MinValue => null,
        long l when l is long.MaxValue or long.MinValue => null,
        _ => Yaml(value),
    };

    /// <summary>A value as it is written in a graph file: <c>medium</c>, <c>true</c>, <c>0.5</c>, <c>""</c>, <c>[]</c>, <c>{ loss_pct: 0 }</c>.</summary>
    internal static string Yaml(object? value) => value switch
    {
        null => "null",
        Enum e => SnakeCase.From(e.ToString()),
        bool b => b ? "true" : "false",
        string s => s.Length == 0 ? "\"\"" : s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Yaml)) + "]",
        _ => "{ " + string.Join(", ", value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken)
            .Select(p => $"{SnakeCase.From(p.Name)}: {Yaml(p.GetValue(value))}")) + " }",
    };
}
