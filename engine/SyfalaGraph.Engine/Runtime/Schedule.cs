using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Runtime;

/// <summary>
/// An immutable processing plan for one clock domain: the graph's node slots, the domain's steps in
/// topological order, and the bridges it reads before its steps and writes after them. The cycle reads the
/// current schedule once per block; a new one (after a reload) is published with a single reference write
/// and taken at the next block boundary.
/// </summary>
/// <param name="Slots">The node slots, in graph order (steps index into it).</param>
/// <param name="Steps">The domain's processing steps.</param>
/// <param name="Reads">Bridges from other domains, read into their buffers before the steps.</param>
/// <param name="Writes">Bridges to other domains, written from their source buffers after the steps.</param>
internal sealed record Schedule(NodeSlot[] Slots, ScheduleEntry[] Steps, BridgeEndpoint[] Reads, BridgeEndpoint[] Writes)
{
    /// <summary>The domain's finite sources (the offline clock ends when they all have).</summary>
    public NodeSlot[] FiniteSources { get; } = Steps.Where(s => !s.IsSink).Select(s => Slots[s.Node]).Where(s => s.Finite is not null).ToArray();
}

/// <summary>One side of a bridge in a schedule: the bridge and the buffer it is read into or written from.</summary>
internal readonly record struct BridgeEndpoint(ClockBridge Bridge, AudioBuffer Buffer);
