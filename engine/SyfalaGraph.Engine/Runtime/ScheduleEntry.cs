namespace SyfalaGraph.Engine.Runtime;

/// <summary>One step of the topological order.</summary>
/// <param name="Node">The node index.</param>
/// <param name="IsSink">True for the input half of a decoupled node (<c>ProcessSink</c>), false for <c>Process</c>.</param>
public readonly record struct ScheduleEntry(int Node, bool IsSink);
