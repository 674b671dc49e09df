using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SyfalaGraph.Dsp.Formats;

/// <content>
/// Big-endian formats (RTP's L16/L24/L32): the little-endian kernel of the same size, then each sample's bytes
/// reversed. Encoding reverses in place in the destination; decoding reverses a copy in a 3 KiB stack chunk
/// (L1-resident) and decodes that, so the source is never written. 16- and 32-bit reversal is the runtime's vectorised
/// <see cref="BinaryPrimitives.ReverseEndianness(ReadOnlySpan{short}, Span{short})"/>; 24-bit is a byte shuffle of
/// five samples (15 bytes) per 16-byte vector (SSSE3 pshufb / AdvSimd tbl).
/// </content>
public static partial class SampleFormatConverter
{
    /// <summary>Bytes per stack chunk of big-endian decoding: a multiple of 2, 3 and 4, so samples never straddle chunks.</summary>
    private const int ByteOrderChunkBytes = 3072;

    private static void EncodeRunBigEndian(SampleFormat type, ReadOnlySpan<float> src, Span<byte> dst, bool vector)
    {
        EncodeRun(type.LittleEndianCounterpart(), src, dst, vector);
        ReverseSampleBytes(type.BytesPerSample(), dst, vector);
    }

    private static void DecodeRunBigEndian(SampleFormat type, ReadOnlySpan<byte> src, Span<float> dst, bool vector)
    {
        SampleFormat little = type.LittleEndianCounterpart();
        int bytesPerSample = type.BytesPerSample();
        int chunkSamples = ByteOrderChunkBytes / bytesPerSample;
        Span<byte> scratch = stackalloc byte[ByteOrderChunkBytes];
        for (int i = 0; i < dst.Length; i += chunkSamples)
        {
            int n = Math.Min(chunkSamples, dst.Length - i);
            Span<byte> chunk = scratch[..(n * bytesPerSample)];
            src.Slice(i * bytesPerSample, chunk.Length).CopyTo(chunk);
            ReverseSampleBytes(bytesPerSample, chunk, vector);
            DecodeRun(little, chunk, dst.Slice(i, n), vector);
        }
    }

    /// <summary>Reverses the bytes of every <paramref name="bytesPerSample"/>-byte sample of <paramref name="bytes"/>, in place.</summary>
    internal static void ReverseSampleBytes(int bytesPerSample, Span<byte> bytes, bool vector)
    {
        switch (bytesPerSample)
        {
            case 2:
                Span<short> shorts = MemoryMarshal.Cast<byte, short>(bytes);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 3:
                Reverse24(bytes, vector);
                break;
            case 4:
                Span<int> ints = MemoryMarshal.Cast<byte, int>(bytes);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            default:
                ThrowHelper.ThrowArgumentOutOfRange(nameof(bytesPerSample), "Only 2-, 3- and 4-byte samples have a big-endian format.");
                break;
        }
    }

    private static void Reverse24(Span<byte> bytes, bool vector)
    {
        int i = 0;
        if (vector && (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported))
        {
            // Five 3-byte samples per vector; byte 15 (the next sample's first byte) is stored back unchanged and
            // reversed with its own sample on the next step, which starts 15 bytes on. The byte shuffle is called
            // per instruction set: Vector128.Shuffle with these indices fell back to a per-byte loop (≈ 1.7 ns a sample).
            Vector128<byte> indices = Vector128.Create((byte)2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9, 14, 13, 12, 15);
            ref byte start = ref MemoryMarshal.GetReference(bytes);
            for (; i + 16 <= bytes.Length; i += 15)
            {
                Vector128<byte> v = Vector128.LoadUnsafe(ref start, (nuint)i);
                Vector128<byte> reversed = Ssse3.IsSupported ? Ssse3.Shuffle(v, indices) : AdvSimd.Arm64.VectorTableLookup(v, indices);
                reversed.StoreUnsafe(ref start, (nuint)i);
            }
        }

        for (; i + 3 <= bytes.Length; i += 3)
        {
            (bytes[i], bytes[i + 2]) = (bytes[i + 2], bytes[i]);
        }
    }
}
