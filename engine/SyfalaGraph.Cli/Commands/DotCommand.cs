using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Cli.Commands;

/// <summary>
/// <c>syfala-graph dot GRAPH</c>: the validated graph in Graphviz DOT, in the manner of GStreamer's pipeline dumps
/// (<c>GST_DEBUG_DUMP_DOT_DIR</c>) and PipeWire's <c>pw-dot</c>: one record per node with its input ports on the left
/// and output ports on the right (channel counts as resolved), one cluster per clock domain (its driver in bold), and
/// links between domains drawn dashed and labelled as bridges with their latency and resampler quality.
/// Render with <c>syfala-graph dot g.yaml | dot -Tsvg -o g.svg</c>. An invalid graph gets the errors of <c>validate</c>.
/// </summary>
internal static class DotCommand
{
    public static Command Create()
    {
        Argument<string> graph = CommonOptions.Graph();
        Option<string?> plugins = CommonOptions.Plugins();
        var command = new Command("dot", "Print the graph in Graphviz DOT: nodes with their ports, clock domains as clusters, bridges dashed (pipe into `dot -Tsvg`)") { graph, plugins };
        command.SetAction(parse =>
        {
            using var host = CliServices.BuildHost(false);
            using PluginHost pluginHost = CliServices.LoadPlugins(host, parse.GetValue(plugins));
            string path = parse.GetValue(graph)!;
            try
            {
                Console.Write(Render(GraphValidator.LoadFile(path, host.Services.GetRequiredService<NodeTypeRegistry>()), Path.GetFileName(path)));
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

    /// <summary>The DOT text of <paramref name="g"/>, titled <paramref name="title"/>.</summary>
    public static string Render(ValidatedGraph g, string title)
    {
        var dot = new StringBuilder();
        GraphSettings s = g.Settings;
        string rate = s.SampleRate is double r ? r.ToString(CultureInfo.InvariantCulture) + " Hz" : "rate from the driver";
        dot.AppendLine(CultureInfo.InvariantCulture, $"digraph {Quote(title)} {{");
        dot.AppendLine(CultureInfo.InvariantCulture, $"  label={Quote($"{title}: {rate}, {s.BlockFrames} frames per block")};");
        dot.AppendLine("  labelloc=t; rankdir=LR; compound=true;");
        dot.AppendLine("  node [shape=record, fontname=\"monospace\", fontsize=10];");
        dot.AppendLine("  edge [fontname=\"monospace\", fontsize=9];");
        foreach (ClockDomain d in g.Domains.Where(d => d.Nodes.Count > 0))
        {
            string driver = d.Driver is int i ? $"driven by node '{g.Nodes[i].Id}'" : $"the engine's {d.Name} clock";
            dot.AppendLine(CultureInfo.InvariantCulture, $"  subgraph {Quote("cluster_" + d.Index.ToString(CultureInfo.InvariantCulture))} {{");
            dot.AppendLine(CultureInfo.InvariantCulture, $"    label={Quote($"domain '{d.Name}' ({driver})")}; style=rounded;");
            foreach (int n in d.Nodes)
            {
                ResolvedNode node = g.Nodes[n];
                string style = node.IsDriver ? ", style=bold" : "";
                dot.AppendLine(CultureInfo.InvariantCulture, $"    {Quote(node.Id)} [label={Quote(Record(node))}{style}];");
            }

            dot.AppendLine("  }");
        }

        foreach (ResolvedLink l in g.Links)
        {
            ResolvedNode from = g.Nodes[l.Source], to = g.Nodes[l.Destination];
            string channels = l.IsWholePort ? $"{l.Channels.Count} ch" : string.Join(" ", l.Channels.Select(c => $"{c.Source}>{c.Destination}"));
            string attributes = $"label={Quote(channels)}";
            if (g.IsBridged(l))
            {
                LinkDefinition def = l.Definition;
                string latency = def.AdaptiveLatency ? $"adaptive, at most {Frames(def.LatencyFrames)}" : Frames(def.LatencyFrames);
                string quality = (def.Quality ?? Dsp.Resampling.ResamplerQuality.Medium).ToString().ToLowerInvariant();
                attributes = $"label={Quote($"{channels}\nbridge: {latency}, {quality}")}, style=dashed, color=\"#b03060\"";
            }

            dot.AppendLine(CultureInfo.InvariantCulture,
                $"  {Quote(from.Id)}:{Quote("o_" + from.Outputs[l.SourcePort].Name)}:e -> {Quote(to.Id)}:{Quote("i_" + to.Inputs[l.DestinationPort].Name)}:w [{attributes}];");
        }

        dot.AppendLine("}");
        return dot.ToString();
    }

    private static string Frames(int? frames) => frames is int f ? f.ToString(CultureInfo.InvariantCulture) + " frames" : "default latency";

    // { in | id\ntype | out }: ports as fields named i_NAME / o_NAME, so that links attach to them.
    private static string Record(ResolvedNode node)
    {
        static string Ports(IReadOnlyList<ResolvedPort> ports, string prefix) =>
            string.Join("|", ports.Select(p => $"<{prefix}{Escape(p.Name)}> {Escape(p.Name)} ({p.Channels} ch)"));

        var fields = new List<string>();
        if (node.Inputs.Count > 0)
        {
            fields.Add("{" + Ports(node.Inputs, "i_") + "}");
        }

        fields.Add(Escape(node.Id) + "\\n" + Escape(node.Type.Name) + (node.IsDriver ? "\\n(driver)" : ""));
        if (node.Outputs.Count > 0)
        {
            fields.Add("{" + Ports(node.Outputs, "o_") + "}");
        }

        return "{" + string.Join("|", fields) + "}";
    }

    // Characters with a meaning in a record label (https://graphviz.org/doc/info/shapes.html#record); '"' is left to Quote.
    private static string Escape(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '{' or '}' or '|' or '<' or '>')
            {
                b.Append('\\');
            }

            b.Append(c);
        }

        return b.ToString();
    }

    // A DOT double-quoted string: only '"' needs escaping (a backslash before it); newlines become \n.
    private static string Quote(string text) =>
        "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
