using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SyfalaGraph.Dsp.Formats;

/// <content>
/// Vector128 kernels (cross-platform System.Runtime.Intrinsics APIs: SSE/AVX on x64, AdvSimd on Arm64). Each one
/// handles as many leading samples as whole vectors allow — never reading or writing outside the spans — and returns
/// that count; the scalar kernel finishes. Only called on little-endian hosts with Vector128 accelerated.
/// </content>
public static partial class SampleFormatConverter
{
    /// <summary>
    /// The vector twin of <see cref="Quantize"/>: NaN lanes → 0, round to nearest even, clip, convert. Once NaN is
    /// gone the platform-native min/max and conversion agree with the scalar code on every input (they differ only
    /// for NaN, for the order of ±0 — both convert to 0 — and out of range, which the clip rules out), and they are
    /// several times cheaper than the IEEE-exact Vector128.Min/Max and saturating ConvertToInt32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> QuantizeVector(Vector128<float> x, Vector128<float> scale, Vector128<float> min, Vector128<float> max)
    {
        x &= Vector128.Equals(x, x); // NaN compares unequal to itself: its lane becomes +0
        Vector128<float> v = Vector128.Round(x * scale);
        v = Vector128.MinNative(Vector128.MaxNative(v, min), max);
        return Vector128.ConvertToInt32Native(v);
    }

    private static int EncodeInt8Vector(ReadOnlySpan<float> src, Span<byte> dst, sbyte flip)
    {
        ref float s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        Vector128<float> scale = Vector128.Create(Scale8), min = Vector128.Create(-Scale8), max = Vector128.Create(Scale8 - 1);
        Vector128<sbyte> flipV = Vector128.Create(flip);
        int i = 0;
        for (; i <= src.Length - 16; i += 16)
        {
            Vector128<int> a = QuantizeVector(Vector128.LoadUnsafe(ref s, (nuint)i), scale, min, max);
            Vector128<int> b = QuantizeVector(Vector128.LoadUnsafe(ref s, (nuint)(i + 4)), scale, min, max);
            Vector128<int> c = QuantizeVector(Vector128.LoadUnsafe(ref s, (nuint)(i + 8)), scale, min, max);
            Vector128<int> e = QuantizeVector(Vector128.LoadUnsafe(ref s, (nuint)(i + 12)), scale, min, max);
            Vector128<sbyte> packed = Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, e)) ^ flipV;
            packed.AsByte().StoreUnsafe(ref d, (nuint)i);
        }

        return i;
    }

    private static int DecodeInt8Vector(ReadOnlySpan<byte> src, Span<float> dst, sbyte flip)
    {
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        Vector128<float> inv = Vector128.Create(1f / Scale8);
        Vector128<sbyte> flipV = Vector128.Create(flip);
        int i = 0;
        for (; i <= dst.Length - 16; i += 16)
        {
            Vector128<sbyte> v = Vector128.LoadUnsafe(ref s, (nuint)i).AsSByte() ^ flipV;
            (Vector128<short> lo, Vector128<short> hi) = Vector128.Widen(v);
            (Vector128<int> a, Vector128<int> b) = Vector128.Widen(lo);
            (Vector128<int> c, Vector128<int> e) = Vector128.Widen(hi);
            (Vector128.ConvertToSingle(a) * inv).StoreUnsafe(ref d, (nuint)i);
            (Vector128.ConvertToSingle(b) * inv).StoreUnsafe(ref d, (nuint)(i + 4));
            (Vector128.ConvertToSingle(c) * inv).StoreUnsafe(ref d, (nuint)(i + 8));
            (Vector128.ConvertToSingle(e) * inv).StoreUnsafe(ref d, (nuint)(i + 12));
        }

        return i;
    }

    private static int EncodeInt16Vector(ReadOnlySpan<float> src, Span<byte> dst, short flip)
    {
        ref float s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        Vector128<float> scale = Vector128.Create(Scale16), min = Vector128.Create(-Scale16), max = Vector128.Create(Scale16 - 1);
        Vector128<short> flipV = Vector128.Create(flip);
        int i = 0;
        for (; i <= src.Length - 8; i += 8)
        {
            Vector128<int> a = QuantizeVector(Vector128.LoadUnsafe(ref s, (nuint)i), scale, min, max);
            Vector128<int> b = QuantizeVector(Vector128.LoadUnsafe(ref s, (nuint)(i + 4)), scale, min, max);
            (Vector128.Narrow(a, b) ^ flipV).AsByte().StoreUnsafe(ref d, (nuint)(2 * i));
        }

        return i;
    }

    private static int DecodeInt16Vector(ReadOnlySpan<byte> src, Span<float> dst, short flip)
    {
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        Vector128<float> inv = Vector128.Create(1f / Scale16);
        Vector128<short> flipV = Vector128.Create(flip);
        int i = 0;
        for (; i <= dst.Length - 8; i += 8)
        {
            Vector128<short> v = Vector128.LoadUnsafe(ref s, (nuint)(2 * i)).AsInt16() ^ flipV;
            (Vector128<int> lo, Vector128<int> hi) = Vector128.Widen(v);
            (Vector128.ConvertToSingle(lo) * inv).StoreUnsafe(ref d, (nuint)i);
            (Vector128.ConvertToSingle(hi) * inv).StoreUnsafe(ref d, (nuint)(i + 4));
        }

        return i;
    }

    private static int EncodeInt24Vector(ReadOnlySpan<float> src, Span<byte> dst, int flip)
    {
        ref float s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        Vector128<float> scale = Vector128.Create(Scale24), min = Vector128.Create(-Scale24), max = Vector128.Create(Scale24 - 1);
        Vector128<int> flipV = Vector128.Create(flip);
        int i = 0;

        // Each step stores 16 bytes of which 12 are the 4 packed samples; the 4 spare bytes are overwritten by the
        // next step or the scalar tail, and the loop stops while 16 bytes still fit.
        for (; (3 * i) + 16 <= dst.Length; i += 4)
        {
            Vector128<int> q = QuantizeVector(Vector128.LoadUnsafe(ref s, (nuint)i), scale, min, max) ^ flipV;
            Vector128<byte> packed = Vector128.Shuffle(
                q.AsByte(),
                Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80));
            packed.StoreUnsafe(ref d, (nuint)(3 * i));
        }

        return i;
    }

    private static int DecodeInt24Vector(ReadOnlySpan<byte> src, Span<float> dst, int flip)
    {
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);

        // Each 3-byte sample goes to the top of a 32-bit lane (low byte zero): that is sample × 2^8, sign included,
        // so one multiply by 2^-31 gives sample / 2^23 exactly. The U24 offset is bit 31 there.
        Vector128<float> inv = Vector128.Create(1f / Scale32);
        Vector128<int> flipV = Vector128.Create(flip << 8);
        int i = 0;
        for (; (3 * i) + 16 <= src.Length; i += 4)
        {
            Vector128<byte> raw = Vector128.LoadUnsafe(ref s, (nuint)(3 * i));
            Vector128<int> v = Vector128.Shuffle(
                raw,
                Vector128.Create((byte)0x80, 0, 1, 2, 0x80, 3, 4, 5, 0x80, 6, 7, 8, 0x80, 9, 10, 11)).AsInt32() ^ flipV;
            (Vector128.ConvertToSingle(v) * inv).StoreUnsafe(ref d, (nuint)i);
        }

        return i;
    }

    private static int EncodeInt32Vector(ReadOnlySpan<float> src, Span<byte> dst, int flip)
    {
        ref float s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        Vector128<float> scale = Vector128.Create(Scale32), min = Vector128.Create(-Scale32), limit = Vector128.Create(Scale32);
        Vector128<float> maxBelow = Vector128.Create(MaxBelow2Pow31);
        Vector128<int> intMax = Vector128.Create(int.MaxValue), flipV = Vector128.Create(flip);
        int i = 0;
        for (; i <= src.Length - 4; i += 4)
        {
            Vector128<float> x = Vector128.LoadUnsafe(ref s, (nuint)i);
            x &= Vector128.Equals(x, x);
            Vector128<float> v = Vector128.MaxNative(Vector128.Round(x * scale), min);
            Vector128<int> saturated = Vector128.GreaterThanOrEqual(v, limit).AsInt32();
            Vector128<int> q = Vector128.ConditionalSelect(saturated, intMax, Vector128.ConvertToInt32Native(Vector128.MinNative(v, maxBelow)));
            (q ^ flipV).AsByte().StoreUnsafe(ref d, (nuint)(4 * i));
        }

        return i;
    }

    private static int DecodeInt32Vector(ReadOnlySpan<byte> src, Span<float> dst, int flip)
    {
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        Vector128<float> inv = Vector128.Create(1f / Scale32);
        Vector128<int> flipV = Vector128.Create(flip);
        int i = 0;
        for (; i <= dst.Length - 4; i += 4)
        {
            Vector128<int> v = Vector128.LoadUnsafe(ref s, (nuint)(4 * i)).AsInt32() ^ flipV;
            (Vector128.ConvertToSingle(v) * inv).StoreUnsafe(ref d, (nuint)i);
        }

        return i;
    }
}
