using SyfalaGraph.Abstractions.Events;

namespace SyfalaGraph.Plugins.Core.Tests;

/// <summary>Remembers every published event (test side; not real-time).</summary>
internal sealed class RecordingEventSink : INodeEventSink
{
    private readonly List<NodeEvent> _events = [];

    public IReadOnlyList<NodeEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public bool TryPublish(in NodeEvent nodeEvent)
    {
        lock (_events)
        {
            _events.Add(nodeEvent);
        }

        return true;
    }
}
