namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// Messages a server sends to a client. The numeric value is the postcard variant index of the reference's
/// flattened server message enum (SYFALA-WIRE.md, "Server -> client"); the first byte of every datagram.
/// </summary>
public enum ServerMessageKind : byte
{
    /// <summary>Answer to Discovery, carrying the server's <see cref="StreamFormats"/> (wire <c>00</c> + formats).</summary>
    Connect = 0,

    /// <summary>StartIO failed; the client may retry (wire <c>01</c>).</summary>
    StartIOFailed = 1,

    /// <summary>StartIO refused; do not retry (wire <c>02</c>).</summary>
    StartIORefused = 2,

    /// <summary>I/O started; audio may flow immediately (wire <c>03</c>).</summary>
    StartIOSuccess = 3,

    /// <summary>StopIO failed (wire <c>04</c>).</summary>
    StopIOFailed = 4,

    /// <summary>StopIO refused (wire <c>05</c>).</summary>
    StopIORefused = 5,

    /// <summary>I/O stopped (wire <c>06</c>).</summary>
    StopIOSuccess = 6,

    /// <summary>Audio from one of the server's input streams: 17-byte header + payload (wire <c>07</c>).</summary>
    Audio = 7,

    /// <summary>Ends the connection at once (wire <c>08</c>).</summary>
    Disconnect = 8,

    /// <summary>Liveness (wire <c>09</c>); the reference drops a silent peer after 600 ms.</summary>
    Heartbeat = 9,
}
