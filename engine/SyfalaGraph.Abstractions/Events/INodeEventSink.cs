namespace SyfalaGraph.Abstractions.Events;

/// <summary>
/// Where events go: the engine's lock-free queue, drained and dispatched to subscribers off the audio
/// thread. Implementations must be lock-free, allocation-free and callable from several threads.
/// </summary>
public interface INodeEventSink
{
    /// <summary>Queues an event; false when the queue is full (the event is dropped and counted). Audio thread: yes.</summary>
    bool TryPublish(in NodeEvent nodeEvent);
}
