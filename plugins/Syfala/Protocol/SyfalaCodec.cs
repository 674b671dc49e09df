using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SyfalaGraph.Plugins.Syfala.Internal;

namespace SyfalaGraph.Plugins.Syfala.Protocol;

// Design: byte-compatible with the reference (`syfala_network`: serde + postcard 1.x over the flattened message
// enums; SYFALA-WIRE.md). A datagram is `variant varint` + fields. Audio headers are fixed-width LE, so the hot
// path is a bounds check plus three loads/stores — no varints, no allocation. Only Connect carries variable-length
// data (two lists of formats); it is decoded in two passes: the first walks and validates every format without
// allocating (each consumes ≥ 11 bytes, so the walk is bounded by the datagram, whatever count is claimed), the
// second fills arrays of exactly the validated size. So a hostile count never drives an allocation, and the error
// reported is the one the reference reports for the same bytes (it, too, fails at the first bad field).

/// <summary>
/// Encodes and decodes Syfala datagrams, byte-compatible with the reference <c>syfala_network</c> (postcard 1.x;
/// SYFALA-WIRE.md). One message per datagram; for TCP control use <see cref="CobsFraming"/> on the encoded bytes.
/// </summary>
/// <remarks>
/// <para>Layout: <c>[0]</c> variant index (a varint; every defined index fits one byte) · fields. Control messages
/// have no fields. Audio: 16 fixed-width LE header bytes (<see cref="AudioMessageHeader"/>) then the payload (the
/// rest of the datagram). Connect: two varint-counted lists of <see cref="StreamFormat"/>.</para>
/// <para>Decoding never throws and reports a <see cref="DecodeError"/>. Bytes after a complete control or Connect
/// message are accepted and reported through <c>consumed</c> (the reference ignores them); for audio every byte after
/// the header is payload, so <c>consumed</c> is 17 and the payload is the "trailing" part.</para>
/// <para>Thread safety: stateless; every member may be called from any thread, including the audio thread (except
/// where a Connect is decoded, which allocates the formats).</para>
/// </remarks>
public static class SyfalaCodec
{
    /// <summary>Smallest encoding of one <see cref="StreamFormat"/>: 8 (f64) + 1 + 1 + 1 (three one-byte varints).</summary>
    internal const int MinFormatLength = 11;

    /// <summary>Largest encoding of one <see cref="StreamFormat"/>: 8 + 5 + 5 + 1 bytes.</summary>
    internal const int MaxFormatLength = 19;

    // ---------------------------------------------------------------- encoding

    /// <summary>Exact encoded length of <paramref name="message"/> in bytes (audio: 17 + payload length).</summary>
    public static int GetEncodedLength(in ClientMessage message) =>
        message.Kind == ClientMessageKind.Audio ? AudioMessageHeader.EncodedLength + message.Payload.Length : 1;

    /// <summary>Exact encoded length of <paramref name="message"/> in bytes (audio: 17 + payload; Connect: 1 + formats).</summary>
    /// <exception cref="ArgumentException">A Connect message without formats.</exception>
    public static int GetEncodedLength(in ServerMessage message)
    {
        switch (message.Kind)
        {
            case ServerMessageKind.Audio:
                return AudioMessageHeader.EncodedLength + message.Payload.Length;
            case ServerMessageKind.Connect:
                StreamFormats formats = message.Formats ?? ThrowMissingFormats();
                return 1 + FormatListLength(formats.Inputs) + FormatListLength(formats.Outputs);
            default:
                return 1;
        }
    }

    /// <summary>
    /// Encodes a client message into <paramref name="destination"/> (audio: header, then the payload copied).
    /// Audio thread: yes (no allocation).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">The datagram buffer.</param>
    /// <param name="written">Bytes written; 0 when the buffer is too small.</param>
    /// <returns>False when <paramref name="destination"/> is too small (nothing meaningful is written).</returns>
    public static bool TryEncode(in ClientMessage message, Span<byte> destination, out int written)
    {
        if (message.Kind == ClientMessageKind.Audio)
        {
            return TryEncodeAudio((byte)ClientMessageKind.Audio, message.Header, message.Payload, destination, out written);
        }

        return TryEncodeTag((byte)message.Kind, destination, out written);
    }

    /// <summary>
    /// Encodes a server message into <paramref name="destination"/> (audio: header, then the payload copied;
    /// Connect: the formats). Audio thread: yes (no allocation).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">The datagram buffer.</param>
    /// <param name="written">Bytes written; 0 when the buffer is too small.</param>
    /// <returns>False when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="ArgumentException">Connect without formats, or with a format that is not
    /// <see cref="StreamFormat.IsValid"/> (the reference would reject it).</exception>
    public static bool TryEncode(in ServerMessage message, Span<byte> destination, out int written)
    {
        switch (message.Kind)
        {
            case ServerMessageKind.Audio:
                return TryEncodeAudio((byte)ServerMessageKind.Audio, message.Header, message.Payload, destination, out written);
            case ServerMessageKind.Connect:
                return TryEncodeConnect(message.Formats ?? ThrowMissingFormats(), destination, out written);
            default:
                return TryEncodeTag((byte)message.Kind, destination, out written);
        }
    }

    /// <summary>
    /// Writes the 17-byte header of a client audio message (variant 6 + <paramref name="header"/>) so that the sender
    /// can convert samples straight into <c>destination[17..]</c> without a copy. Audio thread: yes.
    /// </summary>
    /// <returns>False when <paramref name="destination"/> is shorter than 17 bytes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryWriteClientAudioHeader(AudioMessageHeader header, Span<byte> destination) =>
        TryWriteAudioHeader((byte)ClientMessageKind.Audio, header, destination);

    /// <summary>
    /// Writes the 17-byte header of a server audio message (variant 7 + <paramref name="header"/>) so that the sender
    /// can convert samples straight into <c>destination[17..]</c> without a copy. Audio thread: yes.
    /// </summary>
    /// <returns>False when <paramref name="destination"/> is shorter than 17 bytes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryWriteServerAudioHeader(AudioMessageHeader header, Span<byte> destination) =>
        TryWriteAudioHeader((byte)ServerMessageKind.Audio, header, destination);

    // ---------------------------------------------------------------- decoding

    /// <summary>Decodes a datagram sent by a client. Never throws; audio decodes without allocating. Audio thread: yes.</summary>
    /// <param name="datagram">The received bytes.</param>
    /// <param name="message">The message; its payload is a slice of <paramref name="datagram"/>.</param>
    /// <param name="error"><see cref="DecodeError.None"/> on success, otherwise why it was rejected.</param>
    /// <returns>True when the datagram holds a valid message.</returns>
    public static bool TryDecodeClient(ReadOnlySpan<byte> datagram, out ClientMessage message, out DecodeError error) =>
        TryDecodeClient(datagram, out message, out _, out error);

    /// <summary>Decodes a datagram sent by a client. Never throws; never allocates. Audio thread: yes.</summary>
    /// <param name="datagram">The received bytes.</param>
    /// <param name="message">The message; its payload is a slice of <paramref name="datagram"/>.</param>
    /// <param name="consumed">Bytes the message occupies (control: the variant varint; audio: 17). The rest is
    /// ignored trailing data (control) or the payload (audio).</param>
    /// <param name="error"><see cref="DecodeError.None"/> on success, otherwise why it was rejected.</param>
    /// <returns>True when the datagram holds a valid message.</returns>
    public static bool TryDecodeClient(ReadOnlySpan<byte> datagram, out ClientMessage message, out int consumed, out DecodeError error)
    {
        message = default;
        consumed = 0;
        var reader = new PostcardReader(datagram);
        if (!TryReadVariant(ref reader, (uint)ClientMessageKind.Heartbeat, out uint variant, out error))
        {
            return false;
        }

        var kind = (ClientMessageKind)variant;
        int tagLength = reader.Position;
        if (kind == ClientMessageKind.Audio)
        {
            if (!TryReadAudio(datagram, tagLength, out AudioMessageHeader header, out consumed))
            {
                error = DecodeError.UnexpectedEnd;
                return false;
            }

            message = ClientMessage.Create(kind, header, datagram[consumed..]);
            return true;
        }

        consumed = tagLength;
        message = ClientMessage.Create(kind, default, default);
        return true;
    }

    /// <summary>
    /// Decodes a datagram sent by a server with <see cref="SyfalaLimits.Default"/>. Never throws; audio and control
    /// decode without allocating. Audio thread: yes for audio/control.
    /// </summary>
    /// <param name="datagram">The received bytes.</param>
    /// <param name="message">The message; its payload is a slice of <paramref name="datagram"/>.</param>
    /// <param name="error"><see cref="DecodeError.None"/> on success, otherwise why it was rejected.</param>
    /// <returns>True when the datagram holds a valid message.</returns>
    public static bool TryDecodeServer(ReadOnlySpan<byte> datagram, out ServerMessage message, out DecodeError error) =>
        TryDecodeServer(datagram, SyfalaLimits.Default, out message, out _, out error);

    /// <summary>
    /// Decodes a datagram sent by a server. Never throws. Audio and control messages allocate nothing; Connect
    /// allocates its <see cref="StreamFormats"/> only after every format was validated against the wire rules and
    /// <paramref name="limits"/> (so at most proportionally to the bytes present).
    /// </summary>
    /// <param name="datagram">The received bytes.</param>
    /// <param name="limits">Policy bounds on Connect (<see cref="SyfalaLimits.Unbounded"/> = the reference's behaviour).</param>
    /// <param name="message">The message; its payload is a slice of <paramref name="datagram"/>.</param>
    /// <param name="consumed">Bytes the message occupies (audio: 17; the rest is payload). Trailing bytes after a
    /// control or Connect message are ignored, as by the reference.</param>
    /// <param name="error"><see cref="DecodeError.None"/> on success, otherwise why it was rejected.</param>
    /// <returns>True when the datagram holds a valid message.</returns>
    public static bool TryDecodeServer(
        ReadOnlySpan<byte> datagram, SyfalaLimits limits, out ServerMessage message, out int consumed, out DecodeError error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        message = default;
        consumed = 0;
        var reader = new PostcardReader(datagram);
        if (!TryReadVariant(ref reader, (uint)ServerMessageKind.Heartbeat, out uint variant, out error))
        {
            return false;
        }

        var kind = (ServerMessageKind)variant;
        int tagLength = reader.Position;
        switch (kind)
        {
            case ServerMessageKind.Audio:
                if (!TryReadAudio(datagram, tagLength, out AudioMessageHeader header, out consumed))
                {
                    error = DecodeError.UnexpectedEnd;
                    return false;
                }

                message = ServerMessage.Create(kind, header, datagram[consumed..], null);
                return true;

            case ServerMessageKind.Connect:
                error = DecodeConnect(datagram, tagLength, limits, out StreamFormats? formats, out consumed);
                if (error != DecodeError.None)
                {
                    consumed = 0;
                    return false;
                }

                message = ServerMessage.Create(kind, default, default, formats);
                return true;

            default:
                consumed = tagLength;
                message = ServerMessage.Create(kind, default, default, null);
                return true;
        }
    }

    // ---------------------------------------------------------------- internals

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadAudio(ReadOnlySpan<byte> datagram, int tagLength, out AudioMessageHeader header, out int consumed)
    {
        int end = tagLength + AudioMessageHeader.FieldsLength;
        if (datagram.Length < end)
        {
            header = default;
            consumed = 0;
            return false;
        }

        header = AudioMessageHeader.ReadFields(datagram.Slice(tagLength, AudioMessageHeader.FieldsLength));
        consumed = end;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryWriteAudioHeader(byte tag, AudioMessageHeader header, Span<byte> destination)
    {
        if (destination.Length < AudioMessageHeader.EncodedLength)
        {
            return false;
        }

        destination[0] = tag;
        header.WriteFields(destination.Slice(1, AudioMessageHeader.FieldsLength));
        return true;
    }

    private static bool TryEncodeAudio(byte tag, AudioMessageHeader header, ReadOnlySpan<byte> payload, Span<byte> destination, out int written)
    {
        int length = AudioMessageHeader.EncodedLength + payload.Length;
        if (destination.Length < length)
        {
            written = 0;
            return false;
        }

        TryWriteAudioHeader(tag, header, destination);
        payload.CopyTo(destination[AudioMessageHeader.EncodedLength..]);
        written = length;
        return true;
    }

    private static bool TryEncodeTag(byte tag, Span<byte> destination, out int written)
    {
        if (destination.IsEmpty)
        {
            written = 0;
            return false;
        }

        destination[0] = tag;
        written = 1;
        return true;
    }

    private static bool TryEncodeConnect(StreamFormats formats, Span<byte> destination, out int written)
    {
        var writer = new PostcardWriter(destination);
        if (writer.WriteByte((byte)ServerMessageKind.Connect) && TryWriteFormatList(ref writer, formats.Inputs) && TryWriteFormatList(ref writer, formats.Outputs))
        {
            written = writer.Position;
            return true;
        }

        written = 0;
        return false;
    }

    private static bool TryWriteFormatList(ref PostcardWriter writer, ImmutableArray<StreamFormat> list)
    {
        if (!writer.WriteVarUInt64((ulong)list.Length))
        {
            return false;
        }

        foreach (StreamFormat f in list)
        {
            if (!f.IsValid)
            {
                ThrowHelper.ThrowArgument(nameof(list), $"Stream format {f} is not valid on the wire (sample rate, channel count or sample type).");
            }

            if (!(writer.WriteFloat64(f.SampleRate) && writer.WriteVarUInt64(f.ChannelCount) &&
                  writer.WriteVarUInt64(f.BufferSize) && writer.WriteVarUInt64((ulong)f.SampleType)))
            {
                return false;
            }
        }

        return true;
    }

    private static int FormatListLength(ImmutableArray<StreamFormat> list)
    {
        int length = PostcardWriter.VarintLength((ulong)list.Length);
        foreach (StreamFormat f in list)
        {
            length += 8 + PostcardWriter.VarintLength(f.ChannelCount) + PostcardWriter.VarintLength(f.BufferSize) +
                      PostcardWriter.VarintLength((ulong)f.SampleType);
        }

        return length;
    }

    private static DecodeError DecodeConnect(ReadOnlySpan<byte> datagram, int start, SyfalaLimits limits, out StreamFormats? formats, out int consumed)
    {
        formats = null;
        consumed = 0;

        // Pass 1: validate everything, allocate nothing.
        var reader = new PostcardReader(datagram[start..]);
        DecodeError error = ValidateFormatList(ref reader, limits, out int inputCount);
        if (error != DecodeError.None)
        {
            return error;
        }

        error = ValidateFormatList(ref reader, limits, out int outputCount);
        if (error != DecodeError.None)
        {
            return error;
        }

        consumed = start + reader.Position;
        if (inputCount == 0 && outputCount == 0)
        {
            formats = StreamFormats.Empty;
            return DecodeError.None;
        }

        // Pass 2: the bytes are known good; read them into arrays of the validated sizes.
        reader = new PostcardReader(datagram[start..]);
        ImmutableArray<StreamFormat> inputs = ReadFormatList(ref reader);
        ImmutableArray<StreamFormat> outputs = ReadFormatList(ref reader);
        formats = StreamFormats.Wrap(inputs, outputs);
        return DecodeError.None;
    }

    private static DecodeError ValidateFormatList(ref PostcardReader reader, SyfalaLimits limits, out int count)
    {
        count = 0;
        DecodeError error = reader.ReadVarUInt64(out ulong claimed);
        if (error != DecodeError.None)
        {
            return error;
        }

        // A claim the remaining bytes could hold is checked against the limit right away. A claim they cannot hold
        // (each format takes ≥ MinFormatLength bytes) is a truncated message: the walk below fails on the first bad
        // field or the end of the datagram within Remaining / 11 rounds — the error the reference reports.
        if (claimed > (ulong)limits.MaxStreams && claimed <= (ulong)(reader.Remaining / MinFormatLength))
        {
            return DecodeError.LimitExceeded;
        }

        for (ulong i = 0; i < claimed; i++)
        {
            error = ReadFormat(ref reader, limits, out _);
            if (error != DecodeError.None)
            {
                return error;
            }
        }

        if (claimed > (ulong)limits.MaxStreams)
        {
            return DecodeError.LimitExceeded; // not reachable (the walk succeeded, so the claim fit); kept as a guard
        }

        count = (int)claimed; // ≤ datagram length / 11 here, so it fits.
        return DecodeError.None;
    }

    private static ImmutableArray<StreamFormat> ReadFormatList(ref PostcardReader reader)
    {
        reader.ReadVarUInt64(out ulong count);
        if (count == 0)
        {
            return [];
        }

        var list = new StreamFormat[(int)count];
        for (int i = 0; i < list.Length; i++)
        {
            ReadFormat(ref reader, SyfalaLimits.Unbounded, out list[i]);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(list);
    }

    private static DecodeError ReadFormat(ref PostcardReader reader, SyfalaLimits limits, out StreamFormat format)
    {
        format = default;
        DecodeError error = reader.ReadFloat64(out double sampleRate);
        if (error != DecodeError.None)
        {
            return error;
        }

        if (!(sampleRate > 0) || !double.IsNormal(sampleRate))
        {
            return DecodeError.InvalidSampleRate;
        }

        if (sampleRate > limits.MaxSampleRate)
        {
            return DecodeError.LimitExceeded;
        }

        error = reader.ReadVarUInt32(out uint channels);
        if (error != DecodeError.None)
        {
            return error;
        }

        if (channels == 0)
        {
            return DecodeError.ZeroChannels;
        }

        if (channels > limits.MaxChannels)
        {
            return DecodeError.LimitExceeded;
        }

        error = reader.ReadVarUInt32(out uint bufferSize);
        if (error != DecodeError.None)
        {
            return error;
        }

        error = reader.ReadVarUInt32(out uint sampleType);
        if (error != DecodeError.None)
        {
            return error;
        }

        if (sampleType >= SampleTypeExtensions.Count)
        {
            return DecodeError.UnknownSampleType;
        }

        format = new StreamFormat(sampleRate, channels, bufferSize, (SampleType)sampleType);
        return DecodeError.None;
    }

    private static StreamFormats ThrowMissingFormats()
    {
        ThrowHelper.ThrowArgument("message", "A Connect message needs its StreamFormats.");
        return null!;
    }

    /// <summary>Reads the message's variant index (a varint) and checks it against the last known variant.</summary>
    private static bool TryReadVariant(ref PostcardReader reader, uint lastVariant, out uint variant, out DecodeError error)
    {
        error = reader.ReadVarUInt32(out variant);
        if (error != DecodeError.None)
        {
            return false;
        }

        if (variant > lastVariant)
        {
            error = DecodeError.UnknownVariant;
            return false;
        }

        return true;
    }
}
