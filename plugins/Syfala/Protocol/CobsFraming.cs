namespace SyfalaGraph.Plugins.Syfala.Protocol;

// Design: COBS (Cheshire & Baker, "Consistent Overhead Byte Stuffing", IEEE/ACM ToN 1999) as implemented by the
// `cobs` crate that postcard's `to_slice_cobs` / `from_bytes_cobs` use: the message is split at its zero bytes;
// each group is emitted as a code byte (group length + 1) followed by the group's non-zero bytes; a code of 0xFF
// means "254 data bytes and no zero follows". A frame ends with one 0x00 sentinel. Like the crate, a 254-byte
// non-zero run at the very end is emitted as FF + 254 bytes with no trailing 01 code.

/// <summary>
/// COBS framing of postcard frames for Syfala control over TCP (DESIGN.md §6; postcard 1.x <c>to_slice_cobs</c> /
/// <c>from_bytes_cobs</c>, which use the <c>cobs</c> crate): a frame is the COBS encoding of the message bytes
/// followed by a single <c>0x00</c> terminator. For a byte stream, use <see cref="CobsFrameDecoder"/>.
/// </summary>
/// <remarks>Stateless and allocation-free; callable from any thread.</remarks>
public static class CobsFraming
{
    /// <summary>
    /// Upper bound of the framed length of a <paramref name="payloadLength"/>-byte message: the payload, one code
    /// byte per started 254-byte group, and the 0x00 terminator.
    /// </summary>
    public static int GetMaxEncodedLength(int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return payloadLength + (payloadLength / 254) + 2;
    }

    /// <summary>
    /// COBS-encodes <paramref name="payload"/> into <paramref name="destination"/> and appends the 0x00 terminator
    /// (byte-identical to postcard's <c>to_slice_cobs</c> of the same message bytes).
    /// </summary>
    /// <param name="payload">The message bytes (e.g. from <see cref="SyfalaCodec.TryEncode(in ClientMessage, Span{byte}, out int)"/>).</param>
    /// <param name="destination">Receives the frame; <see cref="GetMaxEncodedLength"/> bytes always suffice.</param>
    /// <param name="written">Frame length including the terminator; 0 on failure.</param>
    /// <returns>False when <paramref name="destination"/> is too small.</returns>
    public static bool TryEncode(ReadOnlySpan<byte> payload, Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.IsEmpty)
        {
            return false;
        }

        int codeIndex = 0; // where the current group's code byte goes
        int output = 1;
        int code = 1;
        for (int i = 0; i < payload.Length; i++)
        {
            byte b = payload[i];
            if (b == 0)
            {
                destination[codeIndex] = (byte)code;
                codeIndex = output++;
                code = 1;
                if (codeIndex >= destination.Length)
                {
                    return false;
                }

                continue;
            }

            if (output >= destination.Length)
            {
                return false;
            }

            destination[output++] = b;
            code++;
            if (code == 0xFF)
            {
                destination[codeIndex] = 0xFF;
                code = 1;
                if (i == payload.Length - 1)
                {
                    // The run ended exactly with the message: no further group (cobs crate behaviour).
                    codeIndex = -1;
                    break;
                }

                codeIndex = output++;
                if (codeIndex >= destination.Length)
                {
                    return false;
                }
            }
        }

        if (codeIndex >= 0)
        {
            destination[codeIndex] = (byte)code;
        }

        if (output >= destination.Length)
        {
            return false;
        }

        destination[output++] = 0;
        written = output;
        return true;
    }

    /// <summary>
    /// Decodes one COBS frame: the bytes of <paramref name="frame"/> up to its first 0x00 (or all of it when there is
    /// none), like postcard's <c>from_bytes_cobs</c> / the <c>cobs</c> crate's <c>decode_in_place</c>.
    /// </summary>
    /// <param name="frame">The encoded frame, with or without its terminator.</param>
    /// <param name="destination">Receives the message bytes; <c>frame.Length</c> bytes always suffice.</param>
    /// <param name="written">Decoded length; 0 on failure.</param>
    /// <returns>False when a code byte points past the end of the frame, or <paramref name="destination"/> is too small.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> frame, Span<byte> destination, out int written)
    {
        written = 0;
        int end = frame.IndexOf((byte)0);
        if (end < 0)
        {
            end = frame.Length;
        }

        int source = 0;
        int output = 0;
        while (source < end)
        {
            int code = frame[source];
            if (source + code > end && code != 1)
            {
                return false;
            }

            source++;
            int run = code - 1;
            if (output + run > destination.Length)
            {
                return false;
            }

            frame.Slice(source, run).CopyTo(destination[output..]);
            source += run;
            output += run;
            if (code != 0xFF && source < end)
            {
                if (output >= destination.Length)
                {
                    return false;
                }

                destination[output++] = 0;
            }
        }

        written = output;
        return true;
    }
}
