using System.Diagnostics.CodeAnalysis;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal;

/// <summary>
/// Throw sites for programming errors (bad arguments), kept out of line so hot methods stay small and
/// inlinable. Expected failures (bad datagrams) never throw: they return a <see cref="DecodeError"/>.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowUndefinedSampleType(SampleType type) =>
        throw new ArgumentOutOfRangeException(nameof(type), type, "Undefined Syfala sample type.");

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);

    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) =>
        throw new InvalidOperationException(message);
}
