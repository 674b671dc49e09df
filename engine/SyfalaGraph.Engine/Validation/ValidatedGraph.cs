using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Runtime;

namespace SyfalaGraph.Engine.Validation;

/// <summary>A graph that passed every check and is ready to be built.</summary>
/// <param name="Document">The file as written.</param>
/// <param name="Nodes">Resolved nodes, in file order.</param>
/// <param name="Links">Resolved links, in file order.</param>
/// <param name="Order">Topological order of the processing steps (links between domains excluded).</param>
/// <param name="Domains">The clock domains; index 0 is the domain of <c>settings.clock</c>.</param>
/// <param name="NodeDomains">The domain index of each node.</param>
public sealed record ValidatedGraph(GraphDocument Document, IReadOnlyList<ResolvedNode> Nodes, IReadOnlyList<ResolvedLink> Links,
    IReadOnlyList<ScheduleEntry> Order, IReadOnlyList<ClockDomain> Domains, IReadOnlyList<int> NodeDomains)
{
    /// <summary>True when <paramref name="link"/> joins two clock domains (it runs through a ring bridge).</summary>
    public bool IsBridged(ResolvedLink link) => NodeDomains[link.Source] != NodeDomains[link.Destination];

    /// <summary>The domain that runs <paramref name="node"/>.</summary>
    public ClockDomain DomainOf(ResolvedNode node) => Domains[NodeDomains[node.Index]];

    /// <summary>The settings.</summary>
    public GraphSettings Settings => Document.Settings;

    /// <summary>Finds a node by id.</summary>
    public ResolvedNode? Find(string id) => Nodes.FirstOrDefault(n => n.Id == id);
}
