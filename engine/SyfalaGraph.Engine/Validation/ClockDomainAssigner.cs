using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Parameters;

namespace SyfalaGraph.Engine.Validation;

// Design: every driver node roots its own domain; settings.clock names the main domain (index 0), which
// is a driver's or the engine's offline/realtime clock. A node with 'clock: <driver>' is pinned there. Other
// nodes follow their links: first downstream of what feeds them (a node fed by a device runs on that
// device's thread, and a bridge, if any, sits before the next device), then upstream of what they feed (a
// tone that only feeds a device runs on that device), else the main domain. The passes repeat to a fixed
// point in file order, so the result does not depend on anything but the file.

/// <summary>Assigns every node of a graph to one clock domain and reports what contradicts it.</summary>
internal static class ClockDomainAssigner
{
    // Drivers named in a "not a driver node" error: every such error carries the list, so it is bounded.
    private const int ListedDrivers = 20;

    /// <summary>Returns each node's domain index, and the domains (names, drivers, members; orders empty).</summary>
    public static (int[] NodeDomains, List<(string Name, int? Driver)> Domains)? Assign(GraphDocument doc, List<ResolvedNode> nodes,
        IReadOnlyList<(int Src, int Dst)> links, List<GraphError> errors)
    {
        GraphSettings s = doc.Settings;
        var domains = new List<(string Name, int? Driver)>();
        var domainOf = new int[nodes.Count];
        Array.Fill(domainOf, -1);
        var drivers = nodes.Where(n => n.IsDriver).ToList();
        if (s.Clock == ClockKind.Node)
        {
            ResolvedNode main = nodes.First(n => n.Id == s.ClockNode);
            domains.Add((main.Id, main.Index));
            domainOf[main.Index] = 0;
        }
        else
        {
            domains.Add((s.Clock == ClockKind.Offline ? "offline" : "realtime", null));
            if (s.Clock == ClockKind.Offline)
            {
                foreach (ResolvedNode d in drivers)
                {
                    errors.Add(new GraphError(d.Definition.TypePosition,
                        $"node '{d.Id}' is a driver with its own clock, but the graph is clocked 'offline' (as fast as possible): set 'settings.clock: {d.Id}' or 'settings.clock: realtime'"));
                }

                if (drivers.Count > 0)
                {
                    return null;
                }
            }
        }

        foreach (ResolvedNode d in drivers.Where(d => domainOf[d.Index] < 0))
        {
            domainOf[d.Index] = domains.Count;
            domains.Add((d.Id, d.Index));
        }

        var byId = new Dictionary<string, ResolvedNode>(nodes.Count, StringComparer.Ordinal);
        foreach (ResolvedNode n in nodes)
        {
            byId.TryAdd(n.Id, n);
        }

        int before = errors.Count;
        string? known = null; // the list of drivers, built once for every node whose clock is not one
        int suggestions = GraphValidator.MaxNodeSuggestions;
        foreach (ResolvedNode n in nodes.Where(n => n.Definition.Clock is not null))
        {
            string clock = n.Definition.Clock!;
            ResolvedNode? driver = byId.GetValueOrDefault(clock);
            if (n.IsDriver)
            {
                errors.Add(new GraphError(n.Definition.ClockPosition, $"node '{n.Id}' is a driver: it runs its own clock domain and takes no 'clock:'"));
            }
            else if (driver is null || !driver.IsDriver)
            {
                known ??= drivers.Count == 0 ? "this graph has no driver nodes"
                    : "drivers: " + string.Join(", ", drivers.Take(ListedDrivers).Select(d => d.Id))
                        + (drivers.Count > ListedDrivers ? $" and {drivers.Count - ListedDrivers} more" : "");
                string hint = suggestions-- > 0 ? Suggestions.DidYouMean(clock, drivers.Select(d => d.Id)) : "";
                errors.Add(new GraphError(n.Definition.ClockPosition, $"node '{n.Id}': clock '{clock}' is not a driver node{hint}; {known}"));
            }
            else
            {
                domainOf[n.Index] = domainOf[driver.Index];
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        Propagate(domainOf, links);
        for (int i = 0; i < domainOf.Length; i++)
        {
            if (domainOf[i] < 0)
            {
                domainOf[i] = 0;
            }
        }

        return (domainOf, domains);
    }

    // The passes of the design note above, each in file order and in place (a node assigned early in a pass is seen
    // by the nodes after it in that pass), computed with work queues instead of rescanning every link for every
    // node: a node is only looked at when a neighbour has just been assigned, so the whole is O((N + L) log N)
    // where repeated passes over all links were O(N * L) per pass. Downstream passes run until one assigns nothing,
    // then one upstream pass; if that assigned something, downstream again; and so on.
    private static void Propagate(int[] domainOf, IReadOnlyList<(int Src, int Dst)> links)
    {
        int n = domainOf.Length;
        int[][] into = Adjacency(n, links, l => l.Dst);
        int[][] from = Adjacency(n, links, l => l.Src);
        var downNow = new PriorityQueue<int, int>();
        var downNext = new PriorityQueue<int, int>();
        var upNow = new PriorityQueue<int, int>();
        var upNext = new PriorityQueue<int, int>();
        for (int v = 0; v < n; v++)
        {
            if (domainOf[v] >= 0)
            {
                // Every node next to one assigned before the passes is a candidate of the first pass.
                foreach (int li in from[v])
                {
                    downNext.Enqueue(links[li].Dst, links[li].Dst);
                }

                foreach (int li in into[v])
                {
                    upNext.Enqueue(links[li].Src, links[li].Src);
                }
            }
        }

        do
        {
            do
            {
                (downNow, downNext) = (downNext, downNow);
            }
            while (Pass(downNow, downstream: true));

            (upNow, upNext) = (upNext, upNow);
        }
        while (Pass(upNow, downstream: false));

        // Runs one pass over the queued candidates in file order; true when it assigned a node.
        bool Pass(PriorityQueue<int, int> queue, bool downstream)
        {
            bool any = false;
            while (queue.TryDequeue(out int v, out _))
            {
                if (domainOf[v] >= 0)
                {
                    continue;
                }

                // The first link in file order whose other end has a domain (a queued node has one: it was
                // queued when that end was assigned).
                foreach (int li in downstream ? into[v] : from[v])
                {
                    int other = downstream ? links[li].Src : links[li].Dst;
                    if (domainOf[other] >= 0)
                    {
                        domainOf[v] = domainOf[other];
                        break;
                    }
                }

                any = true;
                Enqueue(v, inUpstreamPass: !downstream);
            }

            return any;
        }

        // A node was just assigned: what it feeds may now follow it downstream, what feeds it upstream. A node
        // after it in file order is still ahead in the current pass of that direction; one before it waits for
        // the next pass.
        void Enqueue(int v, bool inUpstreamPass)
        {
            foreach (int li in from[v])
            {
                int w = links[li].Dst;
                if (domainOf[w] < 0)
                {
                    (!inUpstreamPass && w > v ? downNow : downNext).Enqueue(w, w);
                }
            }

            foreach (int li in into[v])
            {
                int u = links[li].Src;
                if (domainOf[u] < 0)
                {
                    (inUpstreamPass && u > v ? upNow : upNext).Enqueue(u, u);
                }
            }
        }
    }

    /// <summary>For each node, the indices of the links whose <paramref name="end"/> is that node, in file order.</summary>
    internal static int[][] Adjacency(int nodes, IReadOnlyList<(int Src, int Dst)> links, Func<(int Src, int Dst), int> end)
    {
        var count = new int[nodes];
        foreach ((int Src, int Dst) l in links)
        {
            count[end(l)]++;
        }

        var lists = new int[nodes][];
        for (int i = 0; i < nodes; i++)
        {
            lists[i] = count[i] == 0 ? [] : new int[count[i]];
            count[i] = 0;
        }

        for (int li = 0; li < links.Count; li++)
        {
            int v = end(links[li]);
            lists[v][count[v]++] = li;
        }

        return lists;
    }
}
