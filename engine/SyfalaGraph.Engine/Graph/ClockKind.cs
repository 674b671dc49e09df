namespace SyfalaGraph.Engine.Graph;

/// <summary>What drives the graph's (single) clock domain.</summary>
public enum ClockKind
{
    /// <summary>As fast as possible, until every finite source has ended.</summary>
    Offline,

    /// <summary>Paced by a high-resolution timer at the graph's sample rate.</summary>
    Realtime,

    /// <summary>A driver node (an audio device, a network peer).</summary>
    Node,
}
