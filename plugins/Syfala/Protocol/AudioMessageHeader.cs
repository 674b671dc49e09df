using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// The header of an audio datagram: the reference's <c>AudioMessageHeader { stream_idx, stream_msg:
/// AudioStreamMessageHeader { byte_idx, n_bytes } }</c> (SYFALA-WIRE.md, "Encoding rules" and "Semantics").
/// </summary>
/// <remarks>
/// <para>Wire layout — fixed width, NOT varints: <c>[0]</c> variant byte (client 6, server 7) ·
/// <c>[1..5)</c> <c>stream_idx</c> u32 LE · <c>[5..13)</c> <c>byte_idx</c> u64 LE · <c>[13..17)</c> <c>n_bytes</c>
/// u32 LE · <c>[17..)</c> payload (the rest of the datagram, interleaved packed samples).</para>
/// <para><c>n_bytes</c> is what the sender claims; the reference does not check it against the payload length,
/// and neither does the decoder: the receiving node decides.</para>
/// </remarks>
/// <param name="StreamIndex">Index into the server's outputs (client → server) or inputs (server → client).</param>
/// <param name="ByteIndex">Byte offset of the payload in its stream since I/O started.</param>
/// <param name="ByteCount">The <c>n_bytes</c> field: payload length claimed by the sender; any value, including 0.</param>
public readonly record struct AudioMessageHeader(uint StreamIndex, ulong ByteIndex, uint ByteCount)
{
    /// <summary>Encoded length of the header including the variant byte: 17 bytes.</summary>
    public const int EncodedLength = 1 + FieldsLength;

    /// <summary>Encoded length of the three fields without the variant byte: 16 bytes.</summary>
    public const int FieldsLength = 4 + 8 + 4;

    /// <summary>Writes the 16 field bytes (no variant byte) little-endian. Audio thread: yes.</summary>
    /// <param name="destination">At least <see cref="FieldsLength"/> bytes.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WriteFields(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, StreamIndex);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[4..], ByteIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], ByteCount);
    }

    /// <summary>Reads the 16 field bytes (no variant byte) little-endian. Audio thread: yes.</summary>
    /// <param name="source">At least <see cref="FieldsLength"/> bytes.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static AudioMessageHeader ReadFields(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(source),
        BinaryPrimitives.ReadUInt64LittleEndian(source[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[12..]));
}
