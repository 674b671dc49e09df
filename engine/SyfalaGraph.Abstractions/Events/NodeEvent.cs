namespace SyfalaGraph.Abstractions.Events;

/// <summary>An event published by a node; a small value type so publishing never allocates.</summary>
/// <param name="NodeId">The publishing node's id (the graph file's key; an existing string, not a copy).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Value">A number whose meaning depends on <paramref name="Kind"/>.</param>
/// <param name="FrameTime">The domain time in frames at which it happened, or 0 when unknown.</param>
public readonly record struct NodeEvent(string NodeId, NodeEventKind Kind, long Value, long FrameTime);
