using System.Diagnostics.CodeAnalysis;

namespace SyfalaGraph.Dsp.Formats;

/// <summary>Throw sites for programming errors (bad arguments), kept out of line so the conversion kernels stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowUndefinedFormat(SampleFormat format) =>
        throw new ArgumentOutOfRangeException(nameof(format), format, "Undefined sample format.");

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);
}
