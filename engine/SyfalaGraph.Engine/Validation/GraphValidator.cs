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
    /// <summary>
    /// How many "unknown node" errors of one file get a "did you mean" (each compares the name with every node id);
    /// the errors after them are reported without one.
    /// </summary>
    public const int MaxNodeSuggestions = 50;

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
            throw new GraphException(InFileOrder(errors));
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
        int suggestions = MaxNodeSuggestions;
        foreach (LinkDefinition link in doc.Links)
        {
            int src = FindEndpoint(link.From, PortDirection.Output, index, layouts, errors, ref suggestions, out int srcPort);
            int dst = FindEndpoint(link.To, PortDirection.Input, index, layouts, errors, ref suggestions, out int dstPort);
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

        int[][]? inCh = ChannelResolver.Resolve(nodes!, layouts!, links, errors, out int[][] outCh);
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
        // Members and steps of each domain, in file and schedule order: one pass each, however many domains.
        var members = assigned.Value.Domains.Select(_ => new List<int>()).ToList();
        var steps = assigned.Value.Domains.Select(_ => new List<ScheduleEntry>()).ToList();
        for (int i = 0; i < final.Count; i++)
        {
            members[domainOf[i]].Add(i);
        }

        foreach (ScheduleEntry e in order)
        {
            steps[domainOf[e.Node]].Add(e);
        }

        var domains = assigned.Value.Domains.Select((d, i) => new ClockDomain(i, d.Name, d.Driver, members[i], steps[i])).ToList();
        // The rate of a domain the engine's own clock drives is the graph's: settings.sample_rate, or the default when
        // no driver in the graph could prefer another. A driver's domain gets its rate from the device (checked by run).
        double? engineRate = doc.Settings.SampleRate ?? (final.Any(n => n.IsDriver) ? null : GraphSettings.DefaultSampleRate);
        if (engineRate is double rate)
        {
            CheckStreams(final.Where(n => domains[domainOf[n.Index]].Driver is null), _ => rate, errors);
            if (errors.Count > before)
            {
                return null;
            }
        }

        return new ValidatedGraph(doc, final, resolvedLinks, order, domains, domainOf);
    }

    /// <summary>
    /// <see cref="CheckStreams"/> for every node of <paramref name="graph"/> at the rates its drivers gave, as the runtime
    /// needs it before preparing anything. Audio thread: no.
    /// </summary>
    /// <exception cref="GraphException">A node refuses its rate or channel counts; the errors in file order.</exception>
    public static void RequireStreams(ValidatedGraph graph, Func<ResolvedNode, double> rateOf)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var errors = new List<GraphError>();
        CheckStreams(graph.Nodes, rateOf, errors);
        if (errors.Count > 0)
        {
            throw new GraphException(InFileOrder(errors));
        }
    }

    private static List<GraphError> InFileOrder(List<GraphError> errors) =>
        errors.OrderBy(e => e.Position.Line).ThenBy(e => e.Position.Column).ToList();

    /// <summary>
    /// Runs <see cref="NodeParameters.ValidateStream"/> of <paramref name="nodes"/> at their domain's rate and resolved
    /// channel counts, adding each error at the parameter it names. Used by <see cref="Validate"/> where the rate is in
    /// the file, and by the runtime once the drivers have given theirs.
    /// </summary>
    public static void CheckStreams(IEnumerable<ResolvedNode> nodes, Func<ResolvedNode, double> rateOf, List<GraphError> errors)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(rateOf);
        foreach (ResolvedNode n in nodes)
        {
            var stream = new StreamContext(rateOf(n), n.Inputs.Select(p => p.Channels).ToArray(), n.Outputs.Select(p => p.Channels).ToArray());
            ParameterBinder.Report(() => n.Parameters.ValidateStream(stream), n.Definition.Params, n.Definition.TypePosition, errors);
        }
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
        List<GraphError> errors, ref int suggestions, out int port)
    {
        port = -1;
        if (!index.TryGetValue(end.Node, out int node))
        {
            // A suggestion compares the name with every node id: only the first ones get one, so that a file
            // full of unknown names costs O(links + nodes), not O(links * nodes).
            string hint = suggestions-- > 0 ? Suggestions.DidYouMean(end.Node, index.Keys) : "";
            errors.Add(new GraphError(end.NodePosition, $"unknown node '{end.Node}'{hint}"));
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
        // Each vertex left walks back to its first predecessor left (lowest vertex number).
        var pred = new int[2 * n];
        Array.Fill(pred, -1);
        int start = -1;
        for (int u = 0; u < 2 * n; u++)
        {
            if (!present[u] || indegree[u] == 0)
            {
                continue;
            }

            start = start < 0 ? u : start;
            foreach (int w in edges[u])
            {
                if (indegree[w] > 0 && pred[w] < 0)
                {
                    pred[w] = u;
                }
            }
        }

        var back = new List<int> { start };
        var seen = new Dictionary<int, int> { [start] = 0 };
        int cur = start;
        while (true)
        {
            cur = pred[cur];
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
}
