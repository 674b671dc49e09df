namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// Incremental COBS decoder for a byte stream (Syfala control over TCP, DESIGN.md §6): feed whatever the socket
/// returned; each call stops after the first complete frame so the caller can handle it, then call again with the
/// rest. Mirrors the <c>cobs</c> crate's streaming <c>CobsDecoder</c> state machine (empty frames — a 0x00 while idle —
/// are skipped), with a bound on the decoded frame size so a peer cannot make it grow without limit.
/// </summary>
/// <remarks>
/// One instance per connection; not thread-safe (one reader). Allocation: the frame buffer once, in the constructor.
/// A malformed or oversized frame is dropped at its terminator and decoding resynchronises on the next frame.
/// </remarks>
public sealed class CobsFrameDecoder
{
    /// <summary>Default bound on a decoded frame: 64 KiB (a Connect with 2 × 64 formats needs under 3 KiB).</summary>
    public const int DefaultMaxFrameLength = 64 * 1024;

    private readonly byte[] _frame;
    private int _length;        // decoded bytes so far in the current frame
    private int _remaining;     // data bytes left in the current group
    private bool _inFrame;      // a code byte has been seen since the last terminator
    private bool _zeroPending;  // the current group ends with an encoded zero (its code was < 0xFF)
    private bool _overflow;     // the current frame exceeded the bound; skip to its terminator

    /// <summary>Creates a decoder.</summary>
    /// <param name="maxFrameLength">Largest decoded frame accepted, in bytes (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameLength"/> is below 1.</exception>
    public CobsFrameDecoder(int maxFrameLength = DefaultMaxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, 1);
        _frame = new byte[maxFrameLength];
    }

    /// <summary>Largest decoded frame accepted, in bytes.</summary>
    public int MaxFrameLength => _frame.Length;

    /// <summary>Whether a frame has started and not yet ended (bytes are buffered).</summary>
    public bool HasPartialFrame => _inFrame;

    /// <summary>
    /// Consumes bytes of <paramref name="input"/> up to and including the first frame terminator (or all of it).
    /// </summary>
    /// <param name="input">Bytes received from the stream.</param>
    /// <param name="consumed">How many bytes of <paramref name="input"/> were used; call again with the rest.</param>
    /// <param name="frame">With <see cref="CobsDecodeStatus.FrameDecoded"/>, the decoded message bytes. Valid until the
    /// next call on this decoder (it points into the decoder's buffer); otherwise empty.</param>
    /// <returns>What ended the call: more data needed, or a frame that decoded, was malformed or too long.</returns>
    public CobsDecodeStatus Decode(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> frame)
    {
        frame = default;
        for (int i = 0; i < input.Length; i++)
        {
            byte b = input[i];
            if (b == 0)
            {
                if (!_inFrame)
                {
                    continue; // an empty frame between terminators: ignored, as by the cobs crate
                }

                consumed = i + 1;
                CobsDecodeStatus status = _overflow ? CobsDecodeStatus.FrameTooLong
                    : _remaining != 0 ? CobsDecodeStatus.MalformedFrame
                    : CobsDecodeStatus.FrameDecoded;
                if (status == CobsDecodeStatus.FrameDecoded)
                {
                    frame = _frame.AsSpan(0, _length);
                }

                ResetState();
                return status;
            }

            if (!_inFrame || _remaining == 0)
            {
                // A code byte. Between two groups, a code < 0xFF stood for a zero in the message.
                if (_inFrame && _zeroPending)
                {
                    Append(0);
                }

                _inFrame = true;
                _remaining = b - 1;
                _zeroPending = b != 0xFF;
            }
            else
            {
                Append(b);
                _remaining--;
            }
        }

        consumed = input.Length;
        return CobsDecodeStatus.NeedMoreData;
    }

    /// <summary>Drops any partial frame (e.g. after the connection was re-established).</summary>
    public void Reset() => ResetState();

    private void Append(byte value)
    {
        if (_length >= _frame.Length)
        {
            _overflow = true;
            return;
        }

        _frame[_length++] = value;
    }

    private void ResetState()
    {
        _length = 0;
        _remaining = 0;
        _inFrame = false;
        _zeroPending = false;
        _overflow = false;
    }
}
