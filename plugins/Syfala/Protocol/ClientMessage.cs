namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// A decoded or to-be-encoded client → server message (SYFALA-WIRE.md, "Client -> server"): its
/// <see cref="Kind"/>, and for <see cref="ClientMessageKind.Audio"/> the <see cref="Header"/> and the
/// <see cref="Payload"/>.
/// </summary>
/// <remarks>
/// A <c>ref struct</c> so that the payload can be a slice of the received datagram: decoding and encoding audio
/// allocate nothing. The payload is only valid as long as the datagram buffer it points into. Audio thread: yes.
/// </remarks>
public readonly ref struct ClientMessage
{
    private ClientMessage(ClientMessageKind kind, AudioMessageHeader header, ReadOnlySpan<byte> payload)
    {
        Kind = kind;
        Header = header;
        Payload = payload;
    }

    /// <summary>The message variant (its wire index).</summary>
    public ClientMessageKind Kind { get; }

    /// <summary>The audio header; <c>default</c> unless <see cref="Kind"/> is <see cref="ClientMessageKind.Audio"/>.</summary>
    public AudioMessageHeader Header { get; }

    /// <summary>
    /// The audio payload: interleaved packed samples of stream <see cref="AudioMessageHeader.StreamIndex"/>, i.e.
    /// every datagram byte after the 17-byte header. Empty unless <see cref="Kind"/> is <see cref="ClientMessageKind.Audio"/>.
    /// </summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>A message without fields (every kind except <see cref="ClientMessageKind.Audio"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is Audio or undefined.</exception>
    public static ClientMessage Control(ClientMessageKind kind)
    {
        if (kind == ClientMessageKind.Audio || kind > ClientMessageKind.Heartbeat)
        {
            Internal.ThrowHelper.ThrowArgumentOutOfRange(nameof(kind), "Not a control message kind.");
        }

        return new ClientMessage(kind, default, default);
    }

    /// <summary>An audio message (header + payload, not copied). Audio thread: yes.</summary>
    /// <param name="header">Stream index, byte index and claimed byte count.</param>
    /// <param name="payload">Interleaved packed samples; its length need not equal <see cref="AudioMessageHeader.ByteCount"/>.</param>
    public static ClientMessage Audio(AudioMessageHeader header, ReadOnlySpan<byte> payload) =>
        new(ClientMessageKind.Audio, header, payload);

    internal static ClientMessage Create(ClientMessageKind kind, AudioMessageHeader header, ReadOnlySpan<byte> payload) =>
        new(kind, header, payload);

    /// <summary>The kind, and for audio the header fields and payload length.</summary>
    public override string ToString() => Kind == ClientMessageKind.Audio
        ? $"Audio {{ stream_idx = {Header.StreamIndex}, byte_idx = {Header.ByteIndex}, n_bytes = {Header.ByteCount}, payload = {Payload.Length} B }}"
        : Kind.ToString();
}
