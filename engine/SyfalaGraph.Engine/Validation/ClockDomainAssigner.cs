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

        int before = errors.Count;
        foreach (ResolvedNode n in nodes.Where(n => n.Definition.Clock is not null))
        {
            string clock = n.Definition.Clock!;
            ResolvedNode? driver = nodes.FirstOrDefault(d => d.Id == clock);
            if (n.IsDriver)
            {
                errors.Add(new GraphError(n.Definition.ClockPosition, $"node '{n.Id}' is a driver: it runs its own clock domain and takes no 'clock:'"));
            }
            else if (driver is null || !driver.IsDriver)
            {
                string known = drivers.Count == 0 ? "this graph has no driver nodes" : "drivers: " + string.Join(", ", drivers.Select(d => d.Id));
                errors.Add(new GraphError(n.Definition.ClockPosition,
                    $"node '{n.Id}': clock '{clock}' is not a driver node{Suggestions.DidYouMean(clock, drivers.Select(d => d.Id))}; {known}"));
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

        // Downstream of what feeds a node, then upstream of what it feeds, to a fixed point.
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (ResolvedNode n in nodes.Where(n => domainOf[n.Index] < 0))
            {
                foreach ((int src, int dst) in links)
                {
                    if (dst == n.Index && domainOf[src] >= 0)
                    {
                        domainOf[n.Index] = domainOf[src];
                        changed = true;
                        break;
                    }
                }
            }

            if (changed)
            {
                continue;
            }

            foreach (ResolvedNode n in nodes.Where(n => domainOf[n.Index] < 0))
            {
                foreach ((int src, int dst) in links)
                {
                    if (src == n.Index && domainOf[dst] >= 0)
                    {
                        domainOf[n.Index] = domainOf[dst];
                        changed = true;
                        break;
                    }
                }
            }
        }

        for (int i = 0; i < domainOf.Length; i++)
        {
            if (domainOf[i] < 0)
            {
                domainOf[i] = 0;
            }
        }

        return (domainOf, domains);
    }
}
