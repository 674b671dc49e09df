using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SyfalaGraph.Plugins.Syfala.Internal;

/// <summary>
/// A forward-only writer of postcard 1.x primitives into a span: canonical unsigned LEB128 varints and
/// little-endian f64 (postcard wire spec). Writes fail (return false) instead of throwing when space runs out.
/// </summary>
internal ref struct PostcardWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public PostcardWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool WriteByte(byte value)
    {
        if (_position >= _buffer.Length)
        {
            return false;
        }

        _buffer[_position++] = value;
        return true;
    }

    /// <summary>Writes <paramref name="value"/> as a canonical varint (7 bits per byte, low group first).</summary>
    public bool WriteVarUInt64(ulong value)
    {
        while (value >= 0x80)
        {
            if (!WriteByte((byte)(value | 0x80)))
            {
                return false;
            }

            value >>= 7;
        }

        return WriteByte((byte)value);
    }

    public bool WriteFloat64(double value)
    {
        if (_buffer.Length - _position < 8)
        {
            return false;
        }

        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.Slice(_position, 8), value);
        _position += 8;
        return true;
    }

    /// <summary>Length of the canonical varint encoding of <paramref name="value"/> (1 … 10 bytes).</summary>
    public static int VarintLength(ulong value)
    {
        int n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }
}
