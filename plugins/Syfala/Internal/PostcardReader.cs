using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal;

/// <summary>
/// A forward-only reader of postcard 1.x primitives over a span (postcard wire spec, "Varint-encoded integers";
/// postcard <c>de_flavors</c> / <c>try_take_varint_*</c>). Never throws, never allocates.
/// </summary>
internal ref struct PostcardReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public PostcardReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet consumed.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>
    /// Reads an unsigned LEB128 varint of at most 5 bytes whose 5th byte is ≤ 0x0F (postcard's u32 rule:
    /// <c>varint_max::&lt;u32&gt;() == 5</c>, <c>max_of_last_byte::&lt;u32&gt;() == 0x0F</c>). Non-canonical but in-range
    /// encodings (e.g. <c>80 00</c>) are accepted, as postcard does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DecodeError ReadVarUInt32(out uint value)
    {
        value = 0;
        for (int i = 0; i < 5; i++)
        {
            if (_position >= _buffer.Length)
            {
                return DecodeError.UnexpectedEnd;
            }

            byte b = _buffer[_position++];
            value |= (uint)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return i == 4 && b > 0x0F ? DecodeError.VarintOverflow : DecodeError.None;
            }
        }

        return DecodeError.VarintOverflow;
    }

    /// <summary>
    /// Reads a u64/usize varint: at most 10 bytes, the 10th ≤ 0x01 (postcard's u64 rule; sequence lengths are
    /// usize, i.e. u64 on the 64-bit hosts the reference runs on).
    /// </summary>
    public DecodeError ReadVarUInt64(out ulong value)
    {
        value = 0;
        for (int i = 0; i < 10; i++)
        {
            if (_position >= _buffer.Length)
            {
                return DecodeError.UnexpectedEnd;
            }

            byte b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return i == 9 && b > 0x01 ? DecodeError.VarintOverflow : DecodeError.None;
            }
        }

        return DecodeError.VarintOverflow;
    }

    /// <summary>Reads an f64 as 8 little-endian bytes (postcard: IEEE 754, little-endian).</summary>
    public DecodeError ReadFloat64(out double value)
    {
        if (_buffer.Length - _position < 8)
        {
            value = 0;
            return DecodeError.UnexpectedEnd;
        }

        value = BinaryPrimitives.ReadDoubleLittleEndian(_buffer.Slice(_position, 8));
        _position += 8;
        return DecodeError.None;
    }
}
