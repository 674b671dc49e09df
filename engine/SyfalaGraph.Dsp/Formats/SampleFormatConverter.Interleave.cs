using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SyfalaGraph.Dsp.Formats;

/// <content>(De)interleaving of float32 samples: planar channels ↔ one frame-major run.</content>
public static partial class SampleFormatConverter
{
    /// <summary>
    /// Writes frames <paramref name="firstFrame"/> .. +<paramref name="frames"/> of <paramref name="channels"/> planar
    /// channels (stride <paramref name="stride"/>) into <paramref name="interleaved"/> (frame-major, from index 0).
    /// </summary>
    internal static void Interleave(ReadOnlySpan<float> planar, int stride, int channels, int firstFrame, int frames, Span<float> interleaved, bool vector)
    {
        int f = 0;
        ref float dst = ref MemoryMarshal.GetReference(interleaved);
        if (channels == 2 && vector)
        {
            ref float left = ref Unsafe.Add(ref MemoryMarshal.GetReference(planar), firstFrame);
            ref float right = ref Unsafe.Add(ref left, stride);
            if (Avx2.IsSupported)
            {
                for (; f <= frames - 8; f += 8)
                {
                    Vector256<float> l = Vector256.LoadUnsafe(ref left, (nuint)f);
                    Vector256<float> r = Vector256.LoadUnsafe(ref right, (nuint)f);
                    Vector256<float> lo = Avx.UnpackLow(l, r);   // l0 r0 l1 r1 | l4 r4 l5 r5
                    Vector256<float> hi = Avx.UnpackHigh(l, r);  // l2 r2 l3 r3 | l6 r6 l7 r7
                    Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref dst, (nuint)(2 * f));
                    Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref dst, (nuint)((2 * f) + 8));
                }
            }

            if (Sse.IsSupported)
            {
                for (; f <= frames - 4; f += 4)
                {
                    Vector128<float> l = Vector128.LoadUnsafe(ref left, (nuint)f);
                    Vector128<float> r = Vector128.LoadUnsafe(ref right, (nuint)f);
                    Sse.UnpackLow(l, r).StoreUnsafe(ref dst, (nuint)(2 * f));
                    Sse.UnpackHigh(l, r).StoreUnsafe(ref dst, (nuint)((2 * f) + 4));
                }
            }
            else if (AdvSimd.Arm64.IsSupported)
            {
                for (; f <= frames - 4; f += 4)
                {
                    Vector128<float> l = Vector128.LoadUnsafe(ref left, (nuint)f);
                    Vector128<float> r = Vector128.LoadUnsafe(ref right, (nuint)f);
                    AdvSimd.Arm64.ZipLow(l, r).StoreUnsafe(ref dst, (nuint)(2 * f));
                    AdvSimd.Arm64.ZipHigh(l, r).StoreUnsafe(ref dst, (nuint)((2 * f) + 4));
                }
            }

            for (; f < frames; f++)
            {
                Unsafe.Add(ref dst, 2 * f) = Unsafe.Add(ref left, f);
                Unsafe.Add(ref dst, (2 * f) + 1) = Unsafe.Add(ref right, f);
            }

            return;
        }

        // Scalar: one channel at a time, writing every channels-th float (checked indexing keeps this path simple).
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> src = planar.Slice((c * stride) + firstFrame, frames);
            for (int i = 0, o = c; i < src.Length; i++, o += channels)
            {
                interleaved[o] = src[i];
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="frames"/> frame-major frames of <paramref name="channels"/> samples from
    /// <paramref name="interleaved"/> into frames <paramref name="firstFrame"/> .. of the planar channels.
    /// </summary>
    internal static void Deinterleave(ReadOnlySpan<float> interleaved, Span<float> planar, int stride, int channels, int firstFrame, int frames, bool vector)
    {
        int f = 0;
        ref float src = ref MemoryMarshal.GetReference(interleaved);
        if (channels == 2 && vector)
        {
            ref float left = ref Unsafe.Add(ref MemoryMarshal.GetReference(planar), firstFrame);
            ref float right = ref Unsafe.Add(ref left, stride);
            if (Avx2.IsSupported)
            {
                for (; f <= frames - 8; f += 8)
                {
                    Vector256<float> a = Vector256.LoadUnsafe(ref src, (nuint)(2 * f));       // l0 r0 l1 r1 | l2 r2 l3 r3
                    Vector256<float> b = Vector256.LoadUnsafe(ref src, (nuint)((2 * f) + 8)); // l4 r4 l5 r5 | l6 r6 l7 r7
                    Vector256<float> l = Avx.Shuffle(a, b, 0x88); // l0 l1 l4 l5 | l2 l3 l6 l7
                    Vector256<float> r = Avx.Shuffle(a, b, 0xDD);
                    Avx2.Permute4x64(l.AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref left, (nuint)f);
                    Avx2.Permute4x64(r.AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref right, (nuint)f);
                }
            }

            if (Sse.IsSupported)
            {
                for (; f <= frames - 4; f += 4)
                {
                    Vector128<float> a = Vector128.LoadUnsafe(ref src, (nuint)(2 * f));
                    Vector128<float> b = Vector128.LoadUnsafe(ref src, (nuint)((2 * f) + 4));
                    Sse.Shuffle(a, b, 0x88).StoreUnsafe(ref left, (nuint)f);
                    Sse.Shuffle(a, b, 0xDD).StoreUnsafe(ref right, (nuint)f);
                }
            }
            else if (AdvSimd.Arm64.IsSupported)
            {
                for (; f <= frames - 4; f += 4)
                {
                    Vector128<float> a = Vector128.LoadUnsafe(ref src, (nuint)(2 * f));
                    Vector128<float> b = Vector128.LoadUnsafe(ref src, (nuint)((2 * f) + 4));
                    AdvSimd.Arm64.UnzipEven(a, b).StoreUnsafe(ref left, (nuint)f);
                    AdvSimd.Arm64.UnzipOdd(a, b).StoreUnsafe(ref right, (nuint)f);
                }
            }

            for (; f < frames; f++)
            {
                Unsafe.Add(ref left, f) = Unsafe.Add(ref src, 2 * f);
                Unsafe.Add(ref right, f) = Unsafe.Add(ref src, (2 * f) + 1);
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            Span<float> dst = planar.Slice((c * stride) + firstFrame, frames);
            for (int i = 0, o = c; i < dst.Length; i++, o += channels)
            {
                dst[i] = interleaved[o];
            }
        }
    }
}
