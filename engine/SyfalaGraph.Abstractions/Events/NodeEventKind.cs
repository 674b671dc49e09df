namespace SyfalaGraph.Abstractions.Events;

/// <summary>What happened. Values are stable (they appear in logs and metrics).</summary>
public enum NodeEventKind
{
    /// <summary>A finite source output its last frame. Value: total frames output.</summary>
    EndOfStream = 1,

    /// <summary>A device or a ring missed a deadline (under/overrun). Value: count in this report.</summary>
    Xrun = 2,

    /// <summary>The node threw from the audio thread and was muted. Value: fault count.</summary>
    Fault = 3,

    /// <summary>A network peer connected. Value: transport-defined peer number.</summary>
    PeerConnected = 4,

    /// <summary>A network peer disconnected or timed out. Value: transport-defined peer number.</summary>
    PeerDisconnected = 5,

    /// <summary>A ring between a thread and the audio thread ran empty. Value: missing frames.</summary>
    Underflow = 6,

    /// <summary>A ring between the audio thread and a thread ran full. Value: dropped frames.</summary>
    Overflow = 7,

    /// <summary>
    /// Node-defined information. Value: node-defined. For anything a subscriber may want to tell apart, prefer (or
    /// add) a named kind: a number inside <see cref="Info"/> means nothing outside the node that chose it.
    /// </summary>
    Info = 8,

    /// <summary>
    /// A connection was refused because the two sides do not agree (stream formats, channel counts), by this node or
    /// by its peer. Value: transport-defined peer number, 0 when the peer had none yet.
    /// </summary>
    PeerRefused = 9,

    /// <summary>Audio with a connected peer started flowing (the transport's start of I/O). Value: transport-defined peer number.</summary>
    IOStarted = 10,

    /// <summary>Audio with a connected peer stopped (the peer or this node ended I/O). Value: transport-defined peer number.</summary>
    IOStopped = 11,

    /// <summary>The peer refused to start audio I/O and it will not be retried. Value: transport-defined peer number.</summary>
    IOStartRefused = 12,

    /// <summary>
    /// The node can no longer do its job and the graph must not go on as if it did (a file writer whose disk is
    /// full, a file reader that cannot decode past an error): the host ends the graph at once and <c>run</c> exits
    /// with 1. Value: node-defined (<c>file.writer</c>: frames written; <c>file.reader</c>: frames output). The node
    /// says why in its log, and again from <see cref="Nodes.IServiceNode.Stop"/> if it is a service node.
    /// </summary>
    Failed = 13,
}
