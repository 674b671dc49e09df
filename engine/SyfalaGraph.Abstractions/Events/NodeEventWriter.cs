namespace SyfalaGraph.Abstractions.Events;

/// <summary>A node's handle to publish events, bound to its id. Audio thread: yes (lock-free, allocation-free).</summary>
/// <param name="nodeId">The id stamped on every event.</param>
/// <param name="sink">The queue events go to.</param>
public sealed class NodeEventWriter(string nodeId, INodeEventSink sink)
{
    /// <summary>A writer that discards everything (for tests and tools).</summary>
    public static NodeEventWriter Null { get; } = new("", new NullSink());

    /// <summary>The node id stamped on every event.</summary>
    public string NodeId { get; } = nodeId;

    /// <summary>Publishes an event; false when the queue was full and it was dropped.</summary>
    public bool Publish(NodeEventKind kind, long value = 0, long frameTime = 0) =>
        sink.TryPublish(new NodeEvent(NodeId, kind, value, frameTime));

    private sealed class NullSink : INodeEventSink
    {
        public bool TryPublish(in NodeEvent nodeEvent) => true;
    }
}
