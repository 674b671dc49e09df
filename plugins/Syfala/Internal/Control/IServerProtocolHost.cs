using System.Net;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

/// <summary>What <see cref="ServerProtocol"/> asks of its node (or of a test double): sending, audio, reporting.</summary>
internal interface IServerProtocolHost
{
    /// <summary>Sends a control message (any kind but Audio; Connect carries the node's formats).</summary>
    void Send(IPEndPoint client, ServerMessageKind kind);

    /// <summary>
    /// Prepares and anchors audio for <paramref name="client"/> (rings reset, byte indices 0, receiver accepting,
    /// nothing sent yet); returns only when the audio threads are ready. False when it cannot (another client's I/O runs).
    /// </summary>
    bool TryStartAudio(IPEndPoint client);

    /// <summary>
    /// Lets the sender send to <paramref name="client"/> (byte 0 of each stream = the next frame the graph writes).
    /// Called once StartIOSuccess has been sent: the reference client drops audio that arrives while its StartIO is
    /// pending (shared/protocol/SYFALA-WIRE.md), so none may precede the reply.
    /// </summary>
    void StartSending(IPEndPoint client);

    /// <summary>Stops audio with <paramref name="client"/>.</summary>
    void StopAudio(IPEndPoint client);

    /// <summary>
    /// The server ended <paramref name="client"/>'s session by policy (idle, taken over) after sending it Disconnect:
    /// close its TCP control connection, if any, so it holds no connection slot either.
    /// </summary>
    void EndSession(IPEndPoint client);

    /// <summary>Stopwatch-free liveness: ms time of the last audio datagram from <paramref name="client"/>, or long.MinValue.</summary>
    long LastAudioMs(IPEndPoint client);

    /// <summary>Reports a state change (logged and published as an event).</summary>
    void Report(ProtocolEvent protocolEvent, IPEndPoint peer, int peerNumber, string detail);
}

/// <summary>What happened in a protocol state machine (for logs, events and tests).</summary>
internal enum ProtocolEvent
{
    /// <summary>The peer accepted the formats: connected (event PeerConnected).</summary>
    Connected,

    /// <summary>The peer timed out (event PeerDisconnected).</summary>
    TimedOut,

    /// <summary>The peer said Disconnect (event PeerDisconnected).</summary>
    Disconnected,

    /// <summary>The formats were refused (by the client, or by us as a client): event PeerRefused.</summary>
    Refused,

    /// <summary>The server disconnected a session that ran no I/O for idle_timeout_ms (event PeerDisconnected).</summary>
    IdleEvicted,

    /// <summary>The server disconnected the running client because another took I/O over (event PeerDisconnected).</summary>
    TakenOver,

    /// <summary>Audio I/O started (event IOStarted).</summary>
    IOStarted,

    /// <summary>Audio I/O stopped (event IOStopped).</summary>
    IOStopped,

    /// <summary>StartIO failed (will be retried by the client).</summary>
    StartFailed,

    /// <summary>StartIO refused (no retry): event IOStartRefused.</summary>
    StartRefused,

    /// <summary>A handshake that never completed was dropped (Disconnect or silence before ConnectionSuccess): no event.</summary>
    Abandoned,
}
