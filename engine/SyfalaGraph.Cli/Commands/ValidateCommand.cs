using System.CommandLine;
using System.Text.Json;
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
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object on stdout: the errors with file, line and column, or the domains and bridges" };
        var command = new Command("validate", "Check a graph file completely without running it (exit 2 on errors)") { graph, plugins, duration, json, verbose };
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
                if (parse.GetValue(json))
                {
                    Console.WriteLine(ValidJson(g, path));
                    return ExitCodes.Success;
                }

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
            catch (GraphException ex) when (parse.GetValue(json))
            {
                Console.WriteLine(ErrorsJson(path, ex.Errors));
                return ExitCodes.InvalidInput;
            }
            catch (GraphException ex)
            {
                return GraphErrors.Report(ex);
            }
            catch (FileNotFoundException ex) when (parse.GetValue(json))
            {
                Console.WriteLine(ErrorsJson(path, [new GraphError(new SourcePosition(path, 0, 0), ex.Message)]));
                return ExitCodes.InvalidInput;
            }
            catch (FileNotFoundException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }

    /// <summary><c>{"file", "valid": false, "errors": [{"file", "line", "column", "message"}]}</c>: line and column from 1 (0 when the error has no place in the file).</summary>
    private static string ErrorsJson(string path, IReadOnlyList<GraphError> errors) => JsonOutput.Object(w =>
    {
        w.WriteString("file", path);
        w.WriteBoolean("valid", false);
        w.WriteStartArray("errors");
        foreach (GraphError e in errors)
        {
            w.WriteStartObject();
            w.WriteString("file", e.Position.File);
            w.WriteNumber("line", e.Position.Line);
            w.WriteNumber("column", e.Position.Column);
            w.WriteString("message", e.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary><c>{"file", "valid": true, "nodes", "links", "sample_rate_hz" (null: from the driver), "block_frames", "domains": [{"name", "driver", "nodes"}], "bridges": [...]}</c>.</summary>
    private static string ValidJson(ValidatedGraph g, string path) => JsonOutput.Object(w =>
    {
        w.WriteString("file", path);
        w.WriteBoolean("valid", true);
        w.WriteNumber("nodes", g.Nodes.Count);
        w.WriteNumber("links", g.Links.Count);
        if (g.Settings.SampleRate is double rate)
        {
            w.WriteNumber("sample_rate_hz", rate);
        }
        else
        {
            w.WriteNull("sample_rate_hz");
        }

        w.WriteNumber("block_frames", g.Settings.BlockFrames);
        w.WriteStartArray("domains");
        foreach (ClockDomain d in g.Domains.Where(d => d.Nodes.Count > 0))
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            w.WriteString("driver", d.Driver is int i ? g.Nodes[i].Id : null);
            w.WriteStartArray("nodes");
            foreach (int n in d.Nodes)
            {
                w.WriteStringValue(g.Nodes[n].Id);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("bridges");
        foreach (ResolvedLink l in g.Links.Where(g.IsBridged))
        {
            w.WriteStartObject();
            w.WriteString("link", l.Definition.ToString());
            w.WriteString("from_domain", g.DomainOf(g.Nodes[l.Source]).Name);
            w.WriteString("to_domain", g.DomainOf(g.Nodes[l.Destination]).Name);
            if (l.Definition.LatencyFrames is int frames)
            {
                w.WriteNumber("latency_frames", frames);
            }
            else
            {
                w.WriteNull("latency_frames");
            }

            w.WriteString("quality", (l.Definition.Quality ?? Dsp.Resampling.ResamplerQuality.Medium).ToString().ToLowerInvariant());
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });
}
