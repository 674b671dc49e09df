using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Runtime;

/// <summary>
/// An immutable processing plan: the nodes' slots and the steps to run them in topological order.
/// The cycle reads the current schedule once per block; a new one (after a reload) is published with a
/// single reference write and taken at the next block boundary.
/// </summary>
/// <param name="Slots">The node slots, in graph order.</param>
/// <param name="Steps">The processing steps.</param>
internal sealed record Schedule(NodeSlot[] Slots, ScheduleEntry[] Steps)
{
    /// <summary>The finite sources (the offline clock ends when they all have).</summary>
    public NodeSlot[] FiniteSources { get; } = Slots.Where(s => s.Finite is not null).ToArray();
}
