using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Plugins.File.Interop;

/// <summary>
/// Registers libsndfile and libsamplerate with the contract's <see cref="NativeLibraryResolver"/> (once per
/// load of this assembly) and loads them on demand, so a missing library surfaces as a
/// <see cref="NodeException"/> or a parameter error that names the Debian package. Audio thread: no.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>libsndfile: Debian package libsndfile1.</summary>
    public static readonly NativeLibraryInfo SndFileInfo = new(
        SndFile.Library,
        ["libsndfile.so.1"],
        ["libsndfile.1.dylib", "/opt/homebrew/lib/libsndfile.1.dylib", "/usr/local/lib/libsndfile.1.dylib"],
        ["sndfile.dll", "libsndfile-1.dll"],
        "libsndfile1");

    /// <summary>libsamplerate: Debian package libsamplerate0.</summary>
    public static readonly NativeLibraryInfo SampleRateInfo = new(
        SampleRate.Library,
        ["libsamplerate.so.0"],
        ["libsamplerate.0.dylib", "/opt/homebrew/lib/libsamplerate.0.dylib", "/usr/local/lib/libsamplerate.0.dylib"],
        ["samplerate.dll", "libsamplerate-0.dll"],
        "libsamplerate0");

    static NativeLibraries() =>
        NativeLibraryResolver.Register(typeof(NativeLibraries).Assembly, SndFileInfo, SampleRateInfo);

    /// <summary>Loads libsndfile. <exception cref="NodeException">It is missing; the message names the package.</exception></summary>
    public static void EnsureSndFile() => NativeLibraryResolver.EnsureLoaded(SndFile.Library);

    /// <summary>Loads libsamplerate. <exception cref="NodeException">It is missing; the message names the package.</exception></summary>
    public static void EnsureSampleRate() => NativeLibraryResolver.EnsureLoaded(SampleRate.Library);

    /// <summary>Loads a registered library; on failure <paramref name="error"/> says what to install.</summary>
    public static bool TryEnsure(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
        NativeLibraryResolver.TryLoad(name, out _, out error);
}
