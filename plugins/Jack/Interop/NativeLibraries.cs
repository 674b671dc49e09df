using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Plugins.Jack.Interop;

/// <summary>
/// Registers libjack with the contract's <see cref="NativeLibraryResolver"/> (once per load of this assembly).
/// Audio thread: no.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>The JACK client library: Debian package libjack-jackd2-0 (pulled in by jackd2).</summary>
    public static readonly NativeLibraryInfo JackInfo = new(
        JackNative.Library,
        ["libjack.so.0"],
        ["libjack.0.dylib", "/opt/homebrew/lib/libjack.0.dylib", "/usr/local/lib/libjack.0.dylib"],
        ["libjack64.dll", "libjack.dll"],
        "libjack-jackd2-0");

    static NativeLibraries() =>
        NativeLibraryResolver.Register(typeof(NativeLibraries).Assembly, JackInfo);

    /// <summary>Loads libjack. <exception cref="NodeException">It is missing; the message names the package.</exception></summary>
    public static void EnsureJack() => NativeLibraryResolver.EnsureLoaded(JackNative.Library);

    /// <summary>Loads libjack; on failure <paramref name="error"/> names the package to install.</summary>
    public static bool TryLoadJack([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
        NativeLibraryResolver.TryLoad(JackNative.Library, out _, out error);
}
