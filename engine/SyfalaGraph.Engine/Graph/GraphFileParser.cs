using System.Globalization;
using System.Text.RegularExpressions;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Engine.Yaml;

namespace SyfalaGraph.Engine.Graph;

/// <summary>
/// Reads a graph file's structure (DESIGN §3): <c>version</c>, <c>settings</c>, <c>nodes</c> (a map keyed by id),
/// <c>links</c> (<c>a.out -> b.in</c>, <c>a.out[0] -> b.in[1]</c>). Node types and ports are checked later by
/// <see cref="Validation.GraphValidator"/>. Every problem is collected with its position.
/// </summary>
public static partial class GraphFileParser
{
    // The keys and value bounds come from GraphFileKeys, which the JSON Schema is generated from.
    private static readonly string[] TopKeys = GraphFileKeys.Names(GraphFileKeys.Top);
    private static readonly string[] SettingKeys = GraphFileKeys.Names(GraphFileKeys.Settings);
    private static readonly string[] NodeKeys = GraphFileKeys.Names(GraphFileKeys.Node);
    private static readonly string[] LinkKeys = GraphFileKeys.Names(GraphFileKeys.Link);

    /// <summary>Parses <paramref name="text"/>; errors are added to <paramref name="errors"/>.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="displayPath">The path shown in error positions (as the user typed it).</param>
    /// <param name="fullPath">The file's absolute path (relative params resolve against its folder).</param>
    /// <param name="errors">Receives every problem found.</param>
    /// <returns>The document, or null when the file is not even a YAML mapping.</returns>
    public static GraphDocument? Parse(string text, string displayPath, string fullPath, List<GraphError> errors)
    {
        YNode? root;
        try
        {
            root = YamlTreeReader.Read(text, displayPath);
        }
        catch (GraphException ex)
        {
            errors.AddRange(ex.Errors);
            return null;
        }

        var start = new SourcePosition(displayPath, 1, 1);
        if (root is not YMapping top)
        {
            errors.Add(new GraphError(root?.Position ?? start, "a graph file is a mapping with version, settings, nodes and links"));
            return null;
        }

        CheckKeys(top, TopKeys, "top-level key", errors);
        CheckVersion(top, start, errors);
        GraphSettings settings = ParseSettings(top.Get("settings"), errors);
        List<NodeDefinition> nodes = ParseNodes(top.Get("nodes"), top.Position, errors);
        List<LinkDefinition> links = ParseLinks(top.Get("links"), errors);
        return new GraphDocument(fullPath, settings, nodes, links);
    }

    private static void CheckKeys(YMapping map, string[] allowed, string what, List<GraphError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((YScalar key, _) in map.Entries)
        {
            if (!seen.Add(key.Value))
            {
                errors.Add(new GraphError(key.Position, $"duplicate key '{key.Value}'"));
            }
            else if (!allowed.Contains(key.Value))
            {
                errors.Add(new GraphError(key.Position, $"unknown {what} '{key.Value}'{Parameters.Suggestions.DidYouMean(key.Value, allowed)}; allowed: {string.Join(", ", allowed)}"));
            }
        }
    }

    private static void CheckVersion(YMapping top, SourcePosition start, List<GraphError> errors)
    {
        YNode? version = top.Get("version");
        if (version is null)
        {
            errors.Add(new GraphError(start, "missing 'version: 1'"));
        }
        else if (version is not YScalar { Value: "1", Quoted: false })
        {
            errors.Add(new GraphError(version.Position, "unsupported version: this engine reads 'version: 1'"));
        }
    }

    private static GraphSettings ParseSettings(YNode? node, List<GraphError> errors)
    {
        double? rate = GraphSettings.DefaultSampleRate;
        int block = GraphSettings.DefaultBlockFrames;
        ClockKind clock = ClockKind.Offline;
        string? clockNode = null;
        if (node is null || node is YScalar { IsNull: true })
        {
            return new GraphSettings(rate, block, clock, clockNode);
        }

        if (node is not YMapping map)
        {
            errors.Add(new GraphError(node.Position, $"settings must be a mapping, got {node.KindName}"));
            return new GraphSettings(rate, block, clock, clockNode);
        }

        CheckKeys(map, SettingKeys, "setting", errors);
        if (map.Get("sample_rate") is { } sr)
        {
            if (sr is YScalar { Value: "auto" })
            {
                rate = null;
            }
            else if (sr is YScalar s && !s.Quoted && YamlNumbers.TryParseFloat(s.Value, out double r)
                && r > 0 && r <= GraphSettings.MaxSampleRate && double.IsNormal(r))
            {
                rate = r;
            }
            else
            {
                errors.Add(new GraphError(sr.Position, $"sample_rate must be a number of Hz in (0, {GraphSettings.MaxSampleRate}] or 'auto'"));
            }
        }

        if (map.Get("block_frames") is { } bf)
        {
            if (bf is YScalar b && !b.Quoted && YamlNumbers.TryParseInteger(b.Value, out long v)
                && v >= 1 && v <= GraphSettings.MaxBlockFrames)
            {
                block = (int)v;
            }
            else
            {
                errors.Add(new GraphError(bf.Position, $"block_frames must be a whole number of frames from 1 to {GraphSettings.MaxBlockFrames}"));
            }
        }

        if (map.Get("clock") is { } c)
        {
            if (c is YScalar cOffline && cOffline.Value == GraphFileKeys.ClockNames[0])
            {
                clock = ClockKind.Offline;
            }
            else if (c is YScalar cRealtime && cRealtime.Value == GraphFileKeys.ClockNames[1])
            {
                clock = ClockKind.Realtime;
            }
            else if (c is YScalar cs && !cs.IsNull)
            {
                clock = ClockKind.Node;
                clockNode = cs.Value; // checked against the nodes by the validator
            }
            else
            {
                errors.Add(new GraphError(c.Position, "clock must be 'offline', 'realtime' or the id of a driver node"));
            }
        }

        int priority = RealtimeScheduling.DefaultPriority;
        if (map.Get("realtime_priority") is { } rp)
        {
            if (rp is YScalar p && !p.Quoted && int.TryParse(p.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                && v >= 1 && v <= RealtimeScheduling.MaxPriority)
            {
                priority = v;
            }
            else
            {
                errors.Add(new GraphError(rp.Position, $"realtime_priority must be a SCHED_FIFO priority from 1 to {RealtimeScheduling.MaxPriority} (JACK's threads run at 10)"));
            }
        }

        return new GraphSettings(rate, block, clock, clockNode) { ClockPosition = map.Get("clock")?.Position, RealtimePriority = priority };
    }

    private static List<NodeDefinition> ParseNodes(YNode? node, SourcePosition topPosition, List<GraphError> errors)
    {
        var nodes = new List<NodeDefinition>();
        if (node is null)
        {
            errors.Add(new GraphError(topPosition, "missing 'nodes:' (a map of node id to { type, params })"));
            return nodes;
        }

        if (node is YScalar { IsNull: true })
        {
            return nodes;
        }

        if (node is not YMapping map)
        {
            errors.Add(new GraphError(node.Position, $"nodes must be a mapping of node id to {{ type, params }}, got {node.KindName}"));
            return nodes;
        }

        var ids = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        foreach ((YScalar key, YNode value) in map.Entries)
        {
            if (ids.TryGetValue(key.Value, out SourcePosition first))
            {
                errors.Add(new GraphError(key.Position, $"duplicate node id '{key.Value}' (first defined at {first.Line}:{first.Column})"));
                continue;
            }

            ids[key.Value] = key.Position;
            if (!NodeIdRegex().IsMatch(key.Value))
            {
                errors.Add(new GraphError(key.Position, $"invalid node id '{key.Value}': use letters, digits, '_' and '-', starting with a letter or '_'"));
                continue;
            }

            if (value is not YMapping body)
            {
                errors.Add(new GraphError(value.Position, $"node '{key.Value}' must be a mapping with 'type' and optional 'params'"));
                continue;
            }

            CheckKeys(body, NodeKeys, "node key", errors);
            YNode? type = body.Get(GraphFileKeys.NodeTypeKey);
            if (type is not YScalar { IsNull: false } typeScalar)
            {
                errors.Add(new GraphError(type?.Position ?? key.Position, $"node '{key.Value}' needs a 'type' (run 'syfala-graph nodes' for the list)"));
                continue;
            }

            string? clock = null;
            SourcePosition clockPosition = key.Position;
            if (body.Get("clock") is { } c)
            {
                if (c is YScalar { IsNull: false } cs && NodeIdRegex().IsMatch(cs.Value))
                {
                    clock = cs.Value; // checked against the drivers by the validator
                    clockPosition = cs.Position;
                }
                else
                {
                    errors.Add(new GraphError(c.Position, $"node '{key.Value}': clock must be the id of a driver node (the domain that runs it)"));
                }
            }

            nodes.Add(new NodeDefinition(key.Value, typeScalar.Value, body.Get(GraphFileKeys.NodeParamsKey), key.Position, typeScalar.Position, clock, clockPosition));
        }

        return nodes;
    }

    private static List<LinkDefinition> ParseLinks(YNode? node, List<GraphError> errors)
    {
        var links = new List<LinkDefinition>();
        if (node is null || node is YScalar { IsNull: true })
        {
            return links;
        }

        if (node is not YSequence seq)
        {
            errors.Add(new GraphError(node.Position, $"links must be a list of 'node.port -> node.port', got {node.KindName}"));
            return links;
        }

        foreach (YNode entry in seq.Items)
        {
            YNode item = entry;
            int? latency = null;
            ResamplerQuality? quality = null;
            bool adaptive = false;
            if (entry is YMapping options)
            {
                // { link: a.out -> b.in, latency_frames: N, quality: q, jitter_buffer: j }: bridge options for a link between domains.
                CheckKeys(options, LinkKeys, "link key", errors);
                item = options.Get("link") ?? new YScalar(options.Position, "", false, false);
                if (options.Get("latency_frames") is { } lf)
                {
                    if (lf is YScalar l && !l.Quoted && YamlNumbers.TryParseInteger(l.Value, out long v) && v > 0 && v <= GraphFileKeys.MaxLatencyFrames)
                    {
                        latency = (int)v;
                    }
                    else
                    {
                        errors.Add(new GraphError(lf.Position, $"latency_frames must be a whole number of frames from 1 to {GraphFileKeys.MaxLatencyFrames}"));
                    }
                }

                if (options.Get("quality") is { } q)
                {
                    int qi = q is YScalar { Quoted: false } qs ? IndexOf(GraphFileKeys.QualityNames, qs.Value) : -1;
                    if (qi >= 0)
                    {
                        quality = (ResamplerQuality)qi;
                    }
                    else
                    {
                        errors.Add(new GraphError(q.Position, "quality must be low, medium or high"));
                    }
                }

                if (options.Get("jitter_buffer") is { } j)
                {
                    int ji = j is YScalar { Quoted: false } js ? IndexOf(GraphFileKeys.JitterBufferNames, js.Value) : -1;
                    if (ji >= 0)
                    {
                        adaptive = GraphFileKeys.JitterBufferNames[ji] == "adaptive";
                    }
                    else
                    {
                        errors.Add(new GraphError(j.Position, "jitter_buffer must be fixed (hold latency_frames) or adaptive (the least the timing allows, latency_frames at most)"));
                    }
                }
            }

            if (item is not YScalar s || s.IsNull || s.Value.Length == 0)
            {
                errors.Add(new GraphError(item.Position, "a link is written 'node.port -> node.port' (optionally with [channel] on either side), or { link: 'node.port -> node.port', latency_frames: N, quality: low|medium|high, jitter_buffer: fixed|adaptive }"));
                continue;
            }

            Match m = LinkRegex().Match(s.Value);
            if (!m.Success)
            {
                errors.Add(new GraphError(s.Position, $"cannot read link '{s.Value}': write 'node.port -> node.port', e.g. 'src.out -> gain.in' or 'src.out[0] -> mix.in1[1]'"));
                continue;
            }

            // Positions inside the scalar are exact only for plain one-line scalars; otherwise point at the scalar.
            int shift = s.IsPlainSingleLine ? 0 : -1;
            SourcePosition At(Group g) => shift < 0 ? s.Position : s.Position.Offset(g.Index);
            LinkEndpoint End(int first) => new(
                m.Groups[first].Value, m.Groups[first + 1].Value,
                m.Groups[first + 2].Success ? int.Parse(m.Groups[first + 2].Value, CultureInfo.InvariantCulture) : null,
                At(m.Groups[first]), At(m.Groups[first + 1]), m.Groups[first + 2].Success ? At(m.Groups[first + 2]) : At(m.Groups[first + 1]));
            links.Add(new LinkDefinition(End(1), End(4), s.Position, latency, quality, entry.Position, adaptive));
        }

        return links;
    }

    private static int IndexOf(IReadOnlyList<string> names, string value)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(GraphFileKeys.NodeIdPattern)]
    private static partial Regex NodeIdRegex();

    [GeneratedRegex(GraphFileKeys.LinkPattern)]
    private static partial Regex LinkRegex();
}
