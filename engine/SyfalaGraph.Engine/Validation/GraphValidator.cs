using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Parameters;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Runtime;

namespace SyfalaGraph.Engine.Validation;

/// <summary>
/// Checks a <see cref="GraphDocument"/> against the loaded node types — everything that can be checked
/// without running: unknown node types (with the closest names), parameters, unknown ports, channel indices,
/// channel-count mismatches, cycles, the clock — and resolves it into a <see cref="ValidatedGraph"/>.
/// </summary>
public static class GraphValidator
{
    /// <summary>Loads, parses and validates a graph file.</summary>
    /// <param name="path">The graph file, as the user typed it (used in error positions).</param>
    /// <param name="registry">The known node types.</param>
    /// <exception cref="GraphException">Every error of the file, each as <c>file:line:col: message</c>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static ValidatedGraph LoadFile(string path, NodeTypeRegistry registry)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"graph file not found: {path}", path);
        }

        return Load(File.ReadAllText(full), path, full, registry);
    }

    /// <summary>Parses and validates graph text.</summary>
    /// <exception cref="GraphException">Every error found.</exception>
    public static ValidatedGraph Load(string text, string displayPath, string fullPath, NodeTypeRegistry registry)
    {
        var errors = new List<GraphError>();
        GraphDocument? doc = GraphFileParser.Parse(text, displayPath, fullPath, errors);
        ValidatedGraph? graph = doc is null ? null : Validate(doc, registry, errors);
        if (errors.Count > 0 || graph is null)
        {
            throw new GraphException(errors.OrderBy(e => e.Position.Line).ThenBy(e => e.Position.Column).ToList());
        }

        return graph;
    }

    /// <summary>Validates a parsed document; errors are added to <paramref name="errors"/>.</summary>
    /// <returns>The resolved graph, or null when an error prevents resolving it.</returns>
    public static ValidatedGraph? Validate(GraphDocument doc, NodeTypeRegistry registry, List<GraphError> errors)
    {
        int before = errors.Count;
        var nodes = new List<ResolvedNode?>();
        var layouts = new List<PortLayout?>();
        foreach (NodeDefinition def in doc.Nodes)
        {
            (NodeParameters? p, NodeTypeDescriptor? type, PortLayout? layout) = ResolveNodeType(def, doc, registry, errors);
            layouts.Add(layout);
            nodes.Add(p is null || type is null || layout is null ? null : new ResolvedNode(nodes.Count, def, type, p, [], []));
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < doc.Nodes.Count; i++)
        {
            index[doc.Nodes[i].Id] = i;
        }

        // Links: endpoints must name existing nodes and ports of the right direction.
        var links = new List<(LinkDefinition Def, int Src, int SrcPort, int Dst, int DstPort)>();
        foreach (LinkDefinition link in doc.Links)
        {
            int src = FindEndpoint(link.From, PortDirection.Output, index, layouts, errors, out int srcPort);
            int dst = FindEndpoint(link.To, PortDirection.Input, index, layouts, errors, out int dstPort);
            if (src >= 0 && dst >= 0)
            {
                links.Add((link, src, srcPort, dst, dstPort));
            }
        }

        CheckClock(doc, nodes, errors);
        if (errors.Count > before)
        {
            return null;
        }

        var assigned = ClockDomainAssigner.Assign(doc, nodes!, links.Select(l => (l.Src, l.Dst)).ToList(), errors);
        if (assigned is null)
        {
            return null;
        }

        int[] domainOf = assigned.Value.NodeDomains;
        foreach ((LinkDefinition def, int src, _, int dst, _) in links)
        {
            if (def.HasBridgeOptions && domainOf[src] == domainOf[dst])
            {
                errors.Add(new GraphError(def.OptionsPosition,
                    $"latency_frames, quality and jitter_buffer apply to a link between clock domains; {def.From.Node} and {def.To.Node} both run in domain '{assigned.Value.Domains[domainOf[src]].Name}'"));
            }
        }

        // A link between domains is a ring bridge: it orders nothing, so feedback through one is not a cycle.
        List<ScheduleEntry>? order = TopologicalOrder(doc, nodes!, links.Where(l => domainOf[l.Src] == domainOf[l.Dst]).ToList(), errors);
        if (order is null || errors.Count > before)
        {
            return null;
        }

        int[][]? inCh = ResolveChannels(nodes!, layouts!, links, errors, out int[][] outCh);
        if (inCh is null)
        {
            return null;
        }

        var resolvedLinks = new List<ResolvedLink>();
        foreach ((LinkDefinition def, int src, int sp, int dst, int dp) in links)
        {
            int srcChannels = outCh[src][sp];
            int dstChannels = inCh[dst][dp];
            if (def.From.Channel is int fc && fc >= srcChannels)
            {
                errors.Add(new GraphError(def.From.ChannelPosition, $"channel {fc} out of range: {def.From.Node}.{def.From.Port} has {srcChannels} channel(s) (0..{srcChannels - 1})"));
                continue;
            }

            if (def.To.Channel is int tc && tc >= dstChannels)
            {
                errors.Add(new GraphError(def.To.ChannelPosition, $"channel {tc} out of range: {def.To.Node}.{def.To.Port} has {dstChannels} channel(s) (0..{dstChannels - 1})"));
                continue;
            }

            (int, int)[] pairs = (def.From.Channel, def.To.Channel) switch
            {
                (int f, int t) => [(f, t)],
                (int f, null) => [(f, 0)],
                (null, int t) => [(0, t)],
                _ => Enumerable.Range(0, srcChannels).Select(c => (c, c)).ToArray(),
            };
            if (def.From.Channel is null && def.To.Channel is null && srcChannels != dstChannels)
            {
                errors.Add(new GraphError(def.Position, $"channel-count mismatch: {def.From} has {srcChannels} channel(s) but {def.To} has {dstChannels}; pick channels with [i], e.g. '{def.From}[0] -> {def.To}[1]'"));
                continue;
            }

            if (def.From.Channel is null && def.To.Channel is not null && srcChannels != 1)
            {
                errors.Add(new GraphError(def.From.PortPosition, $"{def.From} has {srcChannels} channels and cannot feed the single channel {def.To}; pick one with {def.From}[i]"));
                continue;
            }

            resolvedLinks.Add(new ResolvedLink(def, src, sp, dst, dp, pairs));
        }

        if (errors.Count > before)
        {
            return null;
        }

        var final = nodes.Select((n, i) => n! with
        {
            Inputs = layouts[i]!.Inputs.Select((p, k) => new ResolvedPort(p, k, inCh[i][k])).ToList(),
            Outputs = layouts[i]!.Outputs.Select((p, k) => new ResolvedPort(p, k, outCh[i][k])).ToList(),
        }).ToList();
        var domains = assigned.Value.Domains.Select((d, i) => new ClockDomain(i, d.Name, d.Driver,
            Enumerable.Range(0, final.Count).Where(n => domainOf[n] == i).ToList(),
            order.Where(e => domainOf[e.Node] == i).ToList())).ToList();
        return new ValidatedGraph(doc, final, resolvedLinks, order, domains, domainOf);
    }

    private static (NodeParameters?, NodeTypeDescriptor?, PortLayout?) ResolveNodeType(NodeDefinition def, GraphDocument doc, NodeTypeRegistry registry, List<GraphError> errors)
    {
        if (!registry.TryGet(def.Type, out NodeTypeDescriptor? type))
        {
            string hint = registry.Types.Values.All(t => t.PluginName == NodeTypeRegistry.BuiltInPluginName)
                ? " (no node types are loaded: check the plugins directory, --plugins or SYFALAGRAPH_PLUGINS)"
                : Suggestions.DidYouMean(def.Type, registry.Types.Keys) + "; run 'syfala-graph nodes' for the list";
            errors.Add(new GraphError(def.TypePosition, $"unknown node type '{def.Type}'{hint}"));
            return (null, null, null);
        }

        NodeParameters? p = ParameterBinder.Bind(type.ParametersType, def.Params, def.TypePosition, doc.Directory, errors);
        if (p is null)
        {
            return (null, type, null);
        }

        var layout = new PortLayout();
        try
        {
            p.DeclarePorts(layout);
        }
        catch (Exception ex)
        {
            errors.Add(new GraphError(def.TypePosition, $"node '{def.Id}' ({def.Type}) cannot declare its ports: {ex.Message}"));
            return (p, type, null);
        }

        return (p, type, layout);
    }

    private static int FindEndpoint(LinkEndpoint end, PortDirection direction, Dictionary<string, int> index, List<PortLayout?> layouts,
        List<GraphError> errors, out int port)
    {
        port = -1;
        if (!index.TryGetValue(end.Node, out int node))
        {
            errors.Add(new GraphError(end.NodePosition, $"unknown node '{end.Node}'{Suggestions.DidYouMean(end.Node, index.Keys)}"));
            return -1;
        }

        PortLayout? layout = layouts[node];
        if (layout is null)
        {
            return -1; // the node's own error is already reported
        }

        IReadOnlyList<PortDeclaration> ports = direction == PortDirection.Output ? layout.Outputs : layout.Inputs;
        for (int i = 0; i < ports.Count; i++)
        {
            if (ports[i].Name == end.Port)
            {
                port = i;
                return node;
            }
        }

        IReadOnlyList<PortDeclaration> other = direction == PortDirection.Output ? layout.Inputs : layout.Outputs;
        string kind = direction == PortDirection.Output ? "output" : "input";
        string wrongSide = other.Any(p => p.Name == end.Port)
            ? $"; '{end.Port}' is an {(direction == PortDirection.Output ? "input" : "output")} — links go from an output to an input"
            : "";
        string list = ports.Count == 0 ? $"it has no {kind}s" : $"{kind}s: {string.Join(", ", ports.Select(p => p.Name))}";
        errors.Add(new GraphError(end.PortPosition, $"node '{end.Node}' has no {kind} port '{end.Port}'{Suggestions.DidYouMean(end.Port, ports.Select(p => p.Name))}{wrongSide}; {list}"));
        return -1;
    }

    private static void CheckClock(GraphDocument doc, List<ResolvedNode?> nodes, List<GraphError> errors)
    {
        var drivers = nodes.Where(n => n is not null && n.IsDriver).Select(n => n!).ToList();
        GraphSettings s = doc.Settings;
        if (s.Clock == ClockKind.Node)
        {
            int i = doc.Nodes.ToList().FindIndex(n => n.Id == s.ClockNode);
            if (i < 0)
            {
                errors.Add(new GraphError(new SourcePosition(doc.Nodes.FirstOrDefault()?.IdPosition.File ?? doc.FilePath, 1, 1),
                    $"clock '{s.ClockNode}' is neither 'offline', 'realtime' nor a node id{Suggestions.DidYouMean(s.ClockNode!, doc.Nodes.Select(n => n.Id).Append("offline").Append("realtime"))}"));
            }
            else if (nodes[i] is { } d && d.Type.IsDriver && !d.IsDriver)
            {
                errors.Add(new GraphError(doc.Nodes[i].TypePosition, $"clock '{s.ClockNode}' names a {d.Type.Name} node whose parameters do not make it drive a clock (e.g. drive: true)"));
            }
            else if (nodes[i] is { } n && !n.IsDriver)
            {
                errors.Add(new GraphError(doc.Nodes[i].TypePosition, $"clock '{s.ClockNode}' names a {n.Type.Name} node, which has no clock; drivers: {(drivers.Count == 0 ? "none in this graph" : string.Join(", ", drivers.Select(d => d.Id)))}"));
            }
        }

    }

    private static List<ScheduleEntry>? TopologicalOrder(GraphDocument doc, List<ResolvedNode> nodes,
        List<(LinkDefinition Def, int Src, int SrcPort, int Dst, int DstPort)> links, List<GraphError> errors)
    {
        // Vertices: 2i = Process of node i; 2i+1 = ProcessSink of a decoupled node i.
        int n = nodes.Count;
        var edges = new List<int>[2 * n];
        var indegree = new int[2 * n];
        var present = new bool[2 * n];
        for (int i = 0; i < n; i++)
        {
            edges[2 * i] = [];
            edges[(2 * i) + 1] = [];
            present[2 * i] = true;
            if (nodes[i].Type.IsDecoupled)
            {
                present[(2 * i) + 1] = true;
                edges[2 * i].Add((2 * i) + 1);
                indegree[(2 * i) + 1]++;
            }
        }

        foreach ((_, int src, _, int dst, _) in links)
        {
            int to = nodes[dst].Type.IsDecoupled ? (2 * dst) + 1 : 2 * dst;
            edges[2 * src].Add(to);
            indegree[to]++;
        }

        // Kahn's algorithm, taking ready vertices in file order so the schedule is stable.
        var order = new List<ScheduleEntry>();
        var ready = new SortedSet<int>();
        for (int v = 0; v < 2 * n; v++)
        {
            if (present[v] && indegree[v] == 0)
            {
                ready.Add(v);
            }
        }

        while (ready.Count > 0)
        {
            int v = ready.Min;
            ready.Remove(v);
            order.Add(new ScheduleEntry(v / 2, v % 2 == 1));
            foreach (int w in edges[v])
            {
                if (--indegree[w] == 0)
                {
                    ready.Add(w);
                }
            }
        }

        if (order.Count == present.Count(p => p))
        {
            return order;
        }

        // Report one cycle. Every vertex left has a predecessor that is left too (its in-degree never reached 0),
        // so walking predecessors must come back to a vertex already seen; a vertex left may also merely be
        // downstream of the cycle, which is why the walk goes backwards rather than along out-edges.
        var remaining = Enumerable.Range(0, 2 * n).Where(v => present[v] && indegree[v] > 0).ToHashSet();
        int start = remaining.Min();
        var back = new List<int> { start };
        var seen = new Dictionary<int, int> { [start] = 0 };
        int cur = start;
        while (true)
        {
            int at0 = cur;
            cur = remaining.First(u => edges[u].Contains(at0));
            if (seen.TryGetValue(cur, out int at))
            {
                back = back.Skip(at).Append(cur).ToList();
                break;
            }

            seen[cur] = back.Count;
            back.Add(cur);
        }

        back.Reverse();
        List<int> path = back;

        string names = string.Join(" -> ", path.Select(v => nodes[v / 2].Id));
        var first = links.FirstOrDefault(l => l.Src == path[0] / 2 && l.Dst == path[1] / 2);
        SourcePosition pos = first.Def?.Position ?? doc.Nodes[path[0] / 2].IdPosition;
        errors.Add(new GraphError(pos, $"cycle: {names}; a graph must be acyclic (feedback needs a node with a delay, such as a device or network node)"));
        return null;
    }

    private static int[][]? ResolveChannels(List<ResolvedNode> nodes, List<PortLayout> layouts,
        List<(LinkDefinition Def, int Src, int SrcPort, int Dst, int DstPort)> links, List<GraphError> errors, out int[][] outChannels)
    {
        int n = nodes.Count;
        var inCh = new int[n][];
        int[][] outCh = outChannels = new int[n][];
        for (int i = 0; i < n; i++)
        {
            inCh[i] = layouts[i].Inputs.Select(p => p.Channels.Count).ToArray(); // 0 = unresolved
            outCh[i] = layouts[i].Outputs.Select(p => p.Channels.IsInferred ? 0 : p.Channels.Count).ToArray();
        }

        int before = errors.Count;
        bool changed = true;
        bool relaxed = false;
        while (changed)
        {
            changed = false;
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < inCh[i].Length; k++)
                {
                    if (inCh[i][k] != 0)
                    {
                        continue;
                    }

                    var into = links.Where(l => l.Dst == i && l.DstPort == k).ToList();
                    if (relaxed)
                    {
                        // Feedback through a bridge: resolve from the feeders that are known; the others are checked once resolved.
                        into = into.Where(l => l.Def.From.Channel is not null || outCh[l.Src][l.SrcPort] != 0).ToList();
                    }

                    if (into.Count == 0 || into.Any(l => l.Def.From.Channel is null && outCh[l.Src][l.SrcPort] == 0))
                    {
                        continue; // unlinked (reported below) or upstream not resolved yet
                    }

                    var whole = into.Where(l => l.Def.From.Channel is null && l.Def.To.Channel is null).ToList();
                    var widths = whole.Select(l => outCh[l.Src][l.SrcPort]).Distinct().ToList();
                    if (widths.Count > 1)
                    {
                        var l2 = whole.First(l => outCh[l.Src][l.SrcPort] != outCh[whole[0].Src][whole[0].SrcPort]);
                        errors.Add(new GraphError(l2.Def.Position, $"channel-count mismatch into {nodes[i].Id}.{layouts[i].Inputs[k].Name}: {whole[0].Def.From} has {outCh[whole[0].Src][whole[0].SrcPort]} channel(s), {l2.Def.From} has {outCh[l2.Src][l2.SrcPort]}"));
                        inCh[i][k] = -1;
                        continue;
                    }

                    int width = widths.Count == 1 ? widths[0] : 0;
                    int maxPicked = into.Where(l => l.Def.To.Channel is not null).Select(l => l.Def.To.Channel!.Value + 1).DefaultIfEmpty(0).Max();
                    if (width == 0)
                    {
                        width = Math.Max(1, maxPicked);
                    }

                    inCh[i][k] = width;
                    changed = true;
                }

                for (int k = 0; k < outCh[i].Length; k++)
                {
                    if (outCh[i][k] != 0)
                    {
                        continue;
                    }

                    string input = layouts[i].Outputs[k].Channels.SameAsInput!;
                    int ki = layouts[i].Inputs.ToList().FindIndex(p => p.Name == input);
                    if (ki < 0)
                    {
                        errors.Add(new GraphError(nodes[i].Definition.TypePosition, $"internal: output '{layouts[i].Outputs[k].Name}' of {nodes[i].Type.Name} takes its width from unknown input '{input}'"));
                        outCh[i][k] = -1;
                    }
                    else if (inCh[i][ki] != 0)
                    {
                        outCh[i][k] = inCh[i][ki];
                        changed = true;
                    }
                }
            }

            if (!changed && !relaxed)
            {
                relaxed = changed = true; // one more pass that may break a feedback loop, then strict again
            }
            else if (changed)
            {
                relaxed = false;
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < inCh[i].Length; k++)
            {
                if (inCh[i][k] == 0)
                {
                    bool linked = links.Any(l => l.Dst == i && l.DstPort == k);
                    errors.Add(new GraphError(nodes[i].Definition.IdPosition, linked
                        ? $"cannot infer the channel count of {nodes[i].Id}.{layouts[i].Inputs[k].Name}: what feeds it has no known channel count"
                        : $"nothing is linked to {nodes[i].Id}.{layouts[i].Inputs[k].Name}, so its channel count is unknown; link something to it"));
                }
            }
        }

        return errors.Count > before ? null : inCh;
    }
}
