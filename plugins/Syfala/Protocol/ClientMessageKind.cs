namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// Messages a client sends to a server. The numeric value is the postcard variant index of the reference's
/// flattened client message enum (SYFALA-WIRE.md, "Client -> server"); the first byte of every datagram.
/// </summary>
public enum ClientMessageKind : byte
{
    /// <summary>Broadcast to find servers (wire <c>00</c>).</summary>
    Discovery = 0,

    /// <summary>Accepts a server's <see cref="ServerMessageKind.Connect"/> formats (wire <c>01</c>).</summary>
    ConnectionSuccess = 1,

    /// <summary>Connection failed on the client side (wire <c>02</c>).</summary>
    ConnectionFailed = 2,

    /// <summary>The client cannot handle every advertised format (wire <c>03</c>).</summary>
    ConnectionRefused = 3,

    /// <summary>Asks the server to start I/O (wire <c>04</c>).</summary>
    StartIO = 4,

    /// <summary>Asks the server to stop I/O (wire <c>05</c>).</summary>
    StopIO = 5,

    /// <summary>Audio for one of the server's output streams: 17-byte header + payload (wire <c>06</c>).</summary>
    Audio = 6,

    /// <summary>Ends the connection at once (wire <c>07</c>).</summary>
    Disconnect = 7,

    /// <summary>Liveness (wire <c>08</c>); the reference drops a silent peer after 600 ms.</summary>
    Heartbeat = 8,
}
