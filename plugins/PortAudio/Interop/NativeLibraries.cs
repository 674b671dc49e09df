using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>
/// Registers PortAudio with the contract's <see cref="NativeLibraryResolver"/> (once per load of this assembly)
/// and reference-counts <c>Pa_Initialize</c>/<c>Pa_Terminate</c> through the host's process-wide count: the library
/// is initialised when the first device node (or catalog listing) of the process takes it and terminated when the
/// last one lets it go. Audio thread: no.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>PortAudio v19: Debian package libportaudio2.</summary>
    public static readonly NativeLibraryInfo PortAudioInfo = new(
        PortAudioNative.Library,
        ["libportaudio.so.2"],
        ["libportaudio.2.dylib", "/opt/homebrew/lib/libportaudio.2.dylib", "/usr/local/lib/libportaudio.2.dylib"],
        ["portaudio.dll", "libportaudio-2.dll", "portaudio_x64.dll"],
        "libportaudio2");

    static NativeLibraries() =>
        NativeLibraryResolver.Register(typeof(NativeLibraries).Assembly, PortAudioInfo, AlsaConfiguration.AsoundInfo);

    /// <summary>Loads PortAudio. <exception cref="NodeException">It is missing; the message names the package.</exception></summary>
    public static void EnsurePortAudio() => NativeLibraryResolver.EnsureLoaded(PortAudioNative.Library);

    /// <summary>Current number of holders of the initialised library in the process, across plugin versions (for tests).</summary>
    public static int References => NativeProcessServices.ReferencesOf(PortAudioNative.Library);

    /// <summary>
    /// Loads the library and calls <c>Pa_Initialize</c> for the first holder of the process, after checking that the
    /// ALSA configuration will not make PortAudio 19.6 abort the process (<see cref="AlsaConfiguration"/>). The count
    /// is the host's (<see cref="NativeProcessServices"/>): one per process, not one per loaded plugin version.
    /// </summary>
    /// <exception cref="NodeException">The library is missing, the ALSA configuration would abort it, or it does not initialise.</exception>
    public static void Acquire()
    {
        EnsurePortAudio();
        NativeProcessServices.Acquire(PortAudioNative.Library, Initialise);
    }

    /// <summary>Releases one hold; the last one of the process calls <c>Pa_Terminate</c>.</summary>
    public static void Release() => NativeProcessServices.Release(PortAudioNative.Library, Terminate);

    private static void Initialise()
    {
        if (AlsaConfiguration.WhyPortAudioWouldAbort() is string abort)
        {
            throw new NodeException($"portaudio: not initialised: {abort}");
        }

        // It probes every ALSA PCM and the JACK server: those libraries' own lines only restate the device list.
        int error = AlsaConfiguration.Quietly(() => JackOutput.Quietly(PortAudioNative.Initialize));
        if (error != PortAudioNative.paNoError)
        {
            throw new NodeException($"portaudio: Pa_Initialize failed: {PortAudioNative.ErrorText(error)}");
        }
    }

    private static void Terminate() => _ = PortAudioNative.Terminate();
}
