using SyfalaGraph.Engine.Graph;

namespace SyfalaGraph.Engine.Validation;

/// <summary>A graph that passed every check and is ready to be built.</summary>
/// <param name="Document">The file as written.</param>
/// <param name="Nodes">Resolved nodes, in file order.</param>
/// <param name="Links">Resolved links, in file order.</param>
/// <param name="Order">Topological order of the processing steps.</param>
public sealed record ValidatedGraph(GraphDocument Document, IReadOnlyList<ResolvedNode> Nodes, IReadOnlyList<ResolvedLink> Links,
    IReadOnlyList<ScheduleEntry> Order)
{
    /// <summary>The settings.</summary>
    public GraphSettings Settings => Document.Settings;

    /// <summary>Finds a node by id.</summary>
    public ResolvedNode? Find(string id) => Nodes.FirstOrDefault(n => n.Id == id);
}
