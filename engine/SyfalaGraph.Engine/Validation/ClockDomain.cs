using SyfalaGraph.Engine.Runtime;

namespace SyfalaGraph.Engine.Validation;

/// <summary>
/// A clock domain (DESIGN §4): the nodes that one driver runs, in topological order, on its thread. Links
/// between domains become ring bridges with adaptive resampling.
/// </summary>
/// <param name="Index">Position in <see cref="ValidatedGraph.Domains"/>; 0 is the domain of <c>settings.clock</c>.</param>
/// <param name="Name">The driver node's id, or <c>offline</c> / <c>realtime</c> for the engine's own clocks.</param>
/// <param name="Driver">The driver node's index, or null when the engine's own clock drives the domain.</param>
/// <param name="Nodes">The node indices in the domain, in file order.</param>
/// <param name="Order">The domain's processing steps in topological order.</param>
public sealed record ClockDomain(int Index, string Name, int? Driver, IReadOnlyList<int> Nodes, IReadOnlyList<ScheduleEntry> Order);
