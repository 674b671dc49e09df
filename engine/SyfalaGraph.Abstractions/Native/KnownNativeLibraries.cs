namespace SyfalaGraph.Abstractions.Native;

// Why here: NativeLibraryResolver's registry is keyed by library name for the whole process, so two plugins that
// import the same library must describe it the same way; and the host's own services (NativeDiagnostics) load libjack
// and alsa-lib. One table, beside the resolver, is where a soname or a Debian package name is written once.

/// <summary>
/// The native libraries SyfalaGraph's plugins import, with their file names per platform and the Debian package to
/// install: pass them to <see cref="NativeLibraryResolver.Register"/> or <see cref="NativeLibraryResolver.EnsureLoaded(System.Reflection.Assembly, NativeLibraryInfo)"/>.
/// A plugin with a library of its own may still describe it with its own <see cref="NativeLibraryInfo"/>.
/// </summary>
public static class KnownNativeLibraries
{
    /// <summary>The JACK client library (name <c>jack</c>): Debian package libjack-jackd2-0 (pulled in by jackd2).</summary>
    public static readonly NativeLibraryInfo Jack = new(
        "jack",
        ["libjack.so.0"],
        ["libjack.0.dylib", "/opt/homebrew/lib/libjack.0.dylib", "/usr/local/lib/libjack.0.dylib"],
        ["libjack64.dll", "libjack.dll"],
        "libjack-jackd2-0");

    /// <summary>alsa-lib (name <c>asound</c>, Linux only): Debian package libasound2 (a dependency of libportaudio2).</summary>
    public static readonly NativeLibraryInfo Asound = new("asound", ["libasound.so.2"], [], [], "libasound2");

    /// <summary>PortAudio v19 (name <c>portaudio</c>): Debian package libportaudio2.</summary>
    public static readonly NativeLibraryInfo PortAudio = new(
        "portaudio",
        ["libportaudio.so.2"],
        ["libportaudio.2.dylib", "/opt/homebrew/lib/libportaudio.2.dylib", "/usr/local/lib/libportaudio.2.dylib"],
        ["portaudio.dll", "libportaudio-2.dll", "portaudio_x64.dll"],
        "libportaudio2");

    /// <summary>libsndfile (name <c>sndfile</c>): Debian package libsndfile1.</summary>
    public static readonly NativeLibraryInfo SndFile = new(
        "sndfile",
        ["libsndfile.so.1"],
        ["libsndfile.1.dylib", "/opt/homebrew/lib/libsndfile.1.dylib", "/usr/local/lib/libsndfile.1.dylib"],
        ["sndfile.dll", "libsndfile-1.dll"],
        "libsndfile1");

    /// <summary>libsamplerate (name <c>samplerate</c>): Debian package libsamplerate0.</summary>
    public static readonly NativeLibraryInfo SampleRate = new(
        "samplerate",
        ["libsamplerate.so.0"],
        ["libsamplerate.0.dylib", "/opt/homebrew/lib/libsamplerate.0.dylib", "/usr/local/lib/libsamplerate.0.dylib"],
        ["samplerate.dll", "libsamplerate-0.dll"],
        "libsamplerate0");
}
