using System.Runtime.CompilerServices;
using SyfalaGraph.Dsp.Formats;
using SyfalaGraph.Plugins.Syfala.Internal;

namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>Sizes and properties of each <see cref="SampleType"/> (SYFALA-WIRE.md: packed, little-endian).</summary>
public static class SampleTypeExtensions
{
    /// <summary>The number of defined sample types (wire indices 0 .. 11).</summary>
    public const int Count = 12;

    /// <summary>Whether <paramref name="type"/> is one of the 12 defined members. Audio thread: yes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDefined(this SampleType type) => (uint)type < Count;

    /// <summary>Bytes per packed sample on the wire: 1, 2, 3 (24-bit), 4 or 8. Audio thread: yes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not defined.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BytesPerSample(this SampleType type) => type.ToSampleFormat().BytesPerSample();

    /// <summary>
    /// The <see cref="SampleFormat"/> that <see cref="SampleFormatConverter"/> converts this wire type with: the same
    /// member, by value (SampleFormat numbers its first twelve members as the wire's variant indices). Audio thread: yes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not defined.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SampleFormat ToSampleFormat(this SampleType type)
    {
        if (!type.IsDefined())
        {
            ThrowHelper.ThrowUndefinedSampleType(type);
        }

        return (SampleFormat)type;
    }

    /// <summary>Significant bits per sample: 8, 16, 24, 32 or 64. Audio thread: yes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not defined.</exception>
    public static int BitsPerSample(this SampleType type) => type.BytesPerSample() * 8;

    /// <summary>True for the IEEE types <see cref="SampleType.F32"/> and <see cref="SampleType.F64"/>.</summary>
    public static bool IsFloatingPoint(this SampleType type) => type is SampleType.F32 or SampleType.F64;

    /// <summary>True for the offset-binary unsigned types (U8 … U64), whose silence is 2^(bits-1).</summary>
    public static bool IsUnsigned(this SampleType type) => type <= SampleType.U64;
}
