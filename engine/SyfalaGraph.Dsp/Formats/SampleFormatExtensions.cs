using System.Runtime.CompilerServices;

namespace SyfalaGraph.Dsp.Formats;

/// <summary>Sizes and properties of each <see cref="SampleFormat"/>. Every member may be called on the audio thread.</summary>
public static class SampleFormatExtensions
{
    /// <summary>The number of defined formats (values 0 … 14).</summary>
    public const int Count = 15;

    /// <summary>Whether <paramref name="format"/> is one of the defined members. Audio thread: yes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDefined(this SampleFormat format) => (uint)format < Count;

    /// <summary>Bytes per packed sample: 1, 2, 3 (24-bit), 4 or 8. Audio thread: yes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not defined.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BytesPerSample(this SampleFormat format)
    {
        switch (format)
        {
            case SampleFormat.U8:
            case SampleFormat.I8:
                return 1;
            case SampleFormat.U16:
            case SampleFormat.I16:
            case SampleFormat.I16BigEndian:
                return 2;
            case SampleFormat.U24:
            case SampleFormat.I24:
            case SampleFormat.I24BigEndian:
                return 3;
            case SampleFormat.U32:
            case SampleFormat.I32:
            case SampleFormat.F32:
            case SampleFormat.I32BigEndian:
                return 4;
            case SampleFormat.U64:
            case SampleFormat.I64:
            case SampleFormat.F64:
                return 8;
            default:
                ThrowHelper.ThrowUndefinedFormat(format);
                return 0;
        }
    }

    /// <summary>Significant bits per sample: 8, 16, 24, 32 or 64. Audio thread: yes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not defined.</exception>
    public static int BitsPerSample(this SampleFormat format) => format.BytesPerSample() * 8;

    /// <summary>True for the IEEE formats <see cref="SampleFormat.F32"/> and <see cref="SampleFormat.F64"/>.</summary>
    public static bool IsFloatingPoint(this SampleFormat format) => format is SampleFormat.F32 or SampleFormat.F64;

    /// <summary>True for the offset-binary unsigned formats (U8 … U64), whose silence is 2^(bits-1).</summary>
    public static bool IsUnsigned(this SampleFormat format) => format <= SampleFormat.U64;

    /// <summary>True for the big-endian formats (<see cref="SampleFormat.I16BigEndian"/> … <see cref="SampleFormat.I32BigEndian"/>).</summary>
    public static bool IsBigEndian(this SampleFormat format) => format is >= SampleFormat.I16BigEndian and < (SampleFormat)Count;

    /// <summary>
    /// The little-endian format with the same size and signedness (<see cref="SampleFormat.I16BigEndian"/> →
    /// <see cref="SampleFormat.I16"/>, …); a little-endian format is its own.
    /// </summary>
    public static SampleFormat LittleEndianCounterpart(this SampleFormat format) => format switch
    {
        SampleFormat.I16BigEndian => SampleFormat.I16,
        SampleFormat.I24BigEndian => SampleFormat.I24,
        SampleFormat.I32BigEndian => SampleFormat.I32,
        _ => format,
    };
}
