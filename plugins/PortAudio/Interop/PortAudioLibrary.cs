using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>
/// Loads PortAudio through the contract's <see cref="NativeLibraryResolver"/> and reference-counts
/// <c>Pa_Initialize</c>/<c>Pa_Terminate</c> through the host's process-wide count: the library is initialised when
/// the first device node (or catalog listing) of the process takes it and terminated when the last one lets it go.
/// Audio thread: no.
/// </summary>
internal static class PortAudioLibrary
{
    /// <summary>Registers PortAudio and alsa-lib for this assembly's P/Invokes and loads PortAudio.</summary>
    /// <exception cref="NodeException">It is missing; the message names the package.</exception>
    public static void EnsureLoaded()
    {
        NativeLibraryResolver.Register(typeof(PortAudioLibrary).Assembly, KnownNativeLibraries.Asound);
        _ = NativeLibraryResolver.EnsureLoaded(typeof(PortAudioLibrary).Assembly, KnownNativeLibraries.PortAudio);
    }

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
        EnsureLoaded();
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

        // Pa_Initialize probes every ALSA PCM (some thirty "Unknown PCM cards.pcm.front" lines on a machine without a
        // sound card) and the JACK server (five "Cannot connect to server socket" lines without one): those lines only
        // restate the device list, so the host's capture takes them out of the log. Its JACK host API opens a client,
        // so it runs under the host's libjack gate, like every JACK client open of the process; and it installs its own
        // libjack error function, which the capture replaces by the host's again when it returns.
        int error;
        using (NativeProcessServices.GateOf(NativeDiagnostics.Jack).EnterScope())
        {
            error = NativeDiagnostics.Capture(NativeDiagnostics.Alsa,
                static () => NativeDiagnostics.Capture(NativeDiagnostics.Jack, PortAudioNative.Initialize).Result).Result;
        }

        if (error != PortAudioNative.paNoError)
        {
            throw new NodeException($"portaudio: Pa_Initialize failed: {PortAudioNative.ErrorText(error)}");
        }
    }

    private static void Terminate() => _ = PortAudioNative.Terminate();
}
