using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SyfalaGraph.Dsp.Formats;

/// <content>
/// Contiguous-run kernels: dispatch per sample type, and the scalar reference implementation that the vector
/// kernels (SampleFormatConverter.Vector.cs) must match bit for bit. Every kernel converts <c>src.Length</c> (encode)
/// or <c>dst.Length</c> (decode) samples starting at index <c>start</c>; the vector kernels return how many leading
/// samples they did, and the scalar loop finishes the rest.
/// </content>
public static partial class SampleFormatConverter
{
    // Full-scale factors 2^(bits-1) and their exact reciprocals.
    private const float Scale8 = 128f;
    private const float Scale16 = 32768f;
    private const float Scale24 = 8388608f;
    private const float Scale32 = 2147483648f;
    private const double Scale64 = 9223372036854775808.0;

    /// <summary>The largest float below 2^31 (2^31 − 128): 32-bit quantisation clamps here, then saturates to int.MaxValue.</summary>
    private const float MaxBelow2Pow31 = 2147483520f;

    /// <summary>Converts <c>src.Length</c> floats to packed samples; <c>dst.Length</c> is exactly src.Length × bytes per sample.</summary>
    internal static void EncodeRun(SampleFormat type, ReadOnlySpan<float> src, Span<byte> dst, bool vector)
    {
        if (type.IsBigEndian())
        {
            EncodeRunBigEndian(type, src, dst, vector);
            return;
        }

        int done = 0;
        switch (type)
        {
            case SampleFormat.U8:
            case SampleFormat.I8:
                sbyte flip8 = type == SampleFormat.U8 ? sbyte.MinValue : (sbyte)0;
                if (vector)
                {
                    done = EncodeInt8Vector(src, dst, flip8);
                }

                EncodeInt8Scalar(src, dst, flip8, done);
                break;
            case SampleFormat.U16:
            case SampleFormat.I16:
                short flip16 = type == SampleFormat.U16 ? short.MinValue : (short)0;
                if (vector)
                {
                    done = EncodeInt16Vector(src, dst, flip16);
                }

                EncodeInt16Scalar(src, dst, flip16, done);
                break;
            case SampleFormat.U24:
            case SampleFormat.I24:
                int flip24 = type == SampleFormat.U24 ? 0x80_0000 : 0;
                if (vector)
                {
                    done = EncodeInt24Vector(src, dst, flip24);
                }

                EncodeInt24Scalar(src, dst, flip24, done);
                break;
            case SampleFormat.U32:
            case SampleFormat.I32:
                int flip32 = type == SampleFormat.U32 ? int.MinValue : 0;
                if (vector)
                {
                    done = EncodeInt32Vector(src, dst, flip32);
                }

                EncodeInt32Scalar(src, dst, flip32, done);
                break;
            case SampleFormat.U64:
            case SampleFormat.I64:
                EncodeInt64Scalar(src, dst, type == SampleFormat.U64 ? long.MinValue : 0);
                break;
            case SampleFormat.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.AsBytes(src).CopyTo(dst);
                }
                else
                {
                    for (int i = 0; i < src.Length; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], src[i]);
                    }
                }

                break;
            case SampleFormat.F64:
                for (int i = 0; i < src.Length; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(dst[(8 * i)..], src[i]);
                }

                break;
            default:
                ThrowHelper.ThrowUndefinedFormat(type);
                break;
        }
    }

    /// <summary>Converts <c>dst.Length</c> packed samples to floats; <c>src.Length</c> is exactly dst.Length × bytes per sample.</summary>
    internal static void DecodeRun(SampleFormat type, ReadOnlySpan<byte> src, Span<float> dst, bool vector)
    {
        if (type.IsBigEndian())
        {
            DecodeRunBigEndian(type, src, dst, vector);
            return;
        }

        int done = 0;
        switch (type)
        {
            case SampleFormat.U8:
            case SampleFormat.I8:
                sbyte flip8 = type == SampleFormat.U8 ? sbyte.MinValue : (sbyte)0;
                if (vector)
                {
                    done = DecodeInt8Vector(src, dst, flip8);
                }

                for (int i = done; i < dst.Length; i++)
                {
                    dst[i] = (sbyte)(src[i] ^ (byte)flip8) * (1f / Scale8);
                }

                break;
            case SampleFormat.U16:
            case SampleFormat.I16:
                short flip16 = type == SampleFormat.U16 ? short.MinValue : (short)0;
                if (vector)
                {
                    done = DecodeInt16Vector(src, dst, flip16);
                }

                for (int i = done; i < dst.Length; i++)
                {
                    dst[i] = (short)(BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]) ^ flip16) * (1f / Scale16);
                }

                break;
            case SampleFormat.U24:
            case SampleFormat.I24:
                int flip24 = type == SampleFormat.U24 ? 0x80_0000 : 0;
                if (vector)
                {
                    done = DecodeInt24Vector(src, dst, flip24);
                }

                for (int i = done; i < dst.Length; i++)
                {
                    int o = 3 * i;
                    int raw = (src[o] | (src[o + 1] << 8) | (src[o + 2] << 16)) ^ flip24;
                    dst[i] = ((raw << 8) >> 8) * (1f / Scale24); // sign-extend 24 → 32 bits
                }

                break;
            case SampleFormat.U32:
            case SampleFormat.I32:
                int flip32 = type == SampleFormat.U32 ? int.MinValue : 0;
                if (vector)
                {
                    done = DecodeInt32Vector(src, dst, flip32);
                }

                for (int i = done; i < dst.Length; i++)
                {
                    dst[i] = (BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]) ^ flip32) * (1f / Scale32);
                }

                break;
            case SampleFormat.U64:
            case SampleFormat.I64:
                long flip64 = type == SampleFormat.U64 ? long.MinValue : 0;
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = (float)((BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]) ^ flip64) * (1.0 / Scale64));
                }

                break;
            case SampleFormat.F32:
                if (BitConverter.IsLittleEndian)
                {
                    src.CopyTo(MemoryMarshal.AsBytes(dst));
                }
                else
                {
                    for (int i = 0; i < dst.Length; i++)
                    {
                        dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                    }
                }

                break;
            case SampleFormat.F64:
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                }

                break;
            default:
                ThrowHelper.ThrowUndefinedFormat(type);
                break;
        }
    }

    /// <summary>round_to_nearest_even(x × scale) clipped to [min, max]; NaN → 0. The scalar twin of QuantizeVector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Quantize(float x, float scale, float min, float max)
    {
        if (float.IsNaN(x))
        {
            return 0f;
        }

        float v = MathF.Round(x * scale, MidpointRounding.ToEven);
        return v < min ? min : v > max ? max : v;
    }

    private static void EncodeInt8Scalar(ReadOnlySpan<float> src, Span<byte> dst, sbyte flip, int start)
    {
        for (int i = start; i < src.Length; i++)
        {
            dst[i] = (byte)((sbyte)Quantize(src[i], Scale8, -Scale8, Scale8 - 1) ^ flip);
        }
    }

    private static void EncodeInt16Scalar(ReadOnlySpan<float> src, Span<byte> dst, short flip, int start)
    {
        for (int i = start; i < src.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(dst[(2 * i)..], (short)((short)Quantize(src[i], Scale16, -Scale16, Scale16 - 1) ^ flip));
        }
    }

    private static void EncodeInt24Scalar(ReadOnlySpan<float> src, Span<byte> dst, int flip, int start)
    {
        for (int i = start; i < src.Length; i++)
        {
            int q = (int)Quantize(src[i], Scale24, -Scale24, Scale24 - 1) ^ flip;
            int o = 3 * i;
            dst[o] = (byte)q;
            dst[o + 1] = (byte)(q >> 8);
            dst[o + 2] = (byte)(q >> 16);
        }
    }

    private static void EncodeInt32Scalar(ReadOnlySpan<float> src, Span<byte> dst, int flip, int start)
    {
        for (int i = start; i < src.Length; i++)
        {
            // x × 2^31 is exact in float, and so is its rounding: identical to doing it in double.
            float v = Quantize(src[i], Scale32, -Scale32, Scale32);
            int q = v >= Scale32 ? int.MaxValue : (int)v;
            BinaryPrimitives.WriteInt32LittleEndian(dst[(4 * i)..], q ^ flip);
        }
    }

    private static void EncodeInt64Scalar(ReadOnlySpan<float> src, Span<byte> dst, long flip)
    {
        for (int i = 0; i < src.Length; i++)
        {
            float x = src[i];
            long q;
            if (float.IsNaN(x))
            {
                q = 0;
            }
            else
            {
                double v = Math.Round(x * Scale64, MidpointRounding.ToEven);
                q = v >= Scale64 ? long.MaxValue : v <= -Scale64 ? long.MinValue : (long)v;
            }

            BinaryPrimitives.WriteInt64LittleEndian(dst[(8 * i)..], q ^ flip);
        }
    }
}
