namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// A decoded or to-be-encoded server → client message (SYFALA-WIRE.md, "Server -> client"): its
/// <see cref="Kind"/>, for <see cref="ServerMessageKind.Connect"/> the <see cref="Formats"/>, and for
/// <see cref="ServerMessageKind.Audio"/> the <see cref="Header"/> and the <see cref="Payload"/>.
/// </summary>
/// <remarks>
/// A <c>ref struct</c> so that the payload can be a slice of the received datagram: decoding and encoding audio
/// allocate nothing (only Connect allocates its validated <see cref="StreamFormats"/>). The payload is only valid as
/// long as the datagram buffer it points into. Audio thread: yes (except decoding Connect, which allocates).
/// </remarks>
public readonly ref struct ServerMessage
{
    private ServerMessage(ServerMessageKind kind, AudioMessageHeader header, ReadOnlySpan<byte> payload, StreamFormats? formats)
    {
        Kind = kind;
        Header = header;
        Payload = payload;
        Formats = formats;
    }

    /// <summary>The message variant (its wire index).</summary>
    public ServerMessageKind Kind { get; }

    /// <summary>The audio header; <c>default</c> unless <see cref="Kind"/> is <see cref="ServerMessageKind.Audio"/>.</summary>
    public AudioMessageHeader Header { get; }

    /// <summary>
    /// The audio payload: interleaved packed samples of input stream <see cref="AudioMessageHeader.StreamIndex"/>,
    /// i.e. every datagram byte after the 17-byte header. Empty unless <see cref="Kind"/> is <see cref="ServerMessageKind.Audio"/>.
    /// </summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The advertised formats; non-null exactly when <see cref="Kind"/> is <see cref="ServerMessageKind.Connect"/>.</summary>
    public StreamFormats? Formats { get; }

    /// <summary>A message without fields (every kind except Connect and Audio).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is Connect, Audio or undefined.</exception>
    public static ServerMessage Control(ServerMessageKind kind)
    {
        if (kind is ServerMessageKind.Connect or ServerMessageKind.Audio || kind > ServerMessageKind.Heartbeat)
        {
            Internal.ThrowHelper.ThrowArgumentOutOfRange(nameof(kind), "Not a control message kind.");
        }

        return new ServerMessage(kind, default, default, null);
    }

    /// <summary>A Connect message advertising <paramref name="formats"/>.</summary>
    public static ServerMessage Connect(StreamFormats formats)
    {
        ArgumentNullException.ThrowIfNull(formats);
        return new ServerMessage(ServerMessageKind.Connect, default, default, formats);
    }

    /// <summary>An audio message (header + payload, not copied). Audio thread: yes.</summary>
    /// <param name="header">Stream index, byte index and claimed byte count.</param>
    /// <param name="payload">Interleaved packed samples; its length need not equal <see cref="AudioMessageHeader.ByteCount"/>.</param>
    public static ServerMessage Audio(AudioMessageHeader header, ReadOnlySpan<byte> payload) =>
        new(ServerMessageKind.Audio, header, payload, null);

    internal static ServerMessage Create(ServerMessageKind kind, AudioMessageHeader header, ReadOnlySpan<byte> payload, StreamFormats? formats) =>
        new(kind, header, payload, formats);

    /// <summary>The kind, and for audio the header fields and payload length, for Connect the formats.</summary>
    public override string ToString() => Kind switch
    {
        ServerMessageKind.Audio =>
            $"Audio {{ stream_idx = {Header.StreamIndex}, byte_idx = {Header.ByteIndex}, n_bytes = {Header.ByteCount}, payload = {Payload.Length} B }}",
        ServerMessageKind.Connect => $"Connect({Formats})",
        _ => Kind.ToString(),
    };
}
