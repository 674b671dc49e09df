using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>
/// Registers PortAudio with the contract's <see cref="NativeLibraryResolver"/> (once per load of this assembly)
/// and reference-counts <c>Pa_Initialize</c>/<c>Pa_Terminate</c>: the library is initialised when the first
/// device node is prepared and terminated when the last one is disposed. Audio thread: no.
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

    private static readonly Lock Gate = new();
    private static int _references;

    static NativeLibraries() =>
        NativeLibraryResolver.Register(typeof(NativeLibraries).Assembly, PortAudioInfo, AlsaConfiguration.AsoundInfo);

    /// <summary>Loads PortAudio. <exception cref="NodeException">It is missing; the message names the package.</exception></summary>
    public static void EnsurePortAudio() => NativeLibraryResolver.EnsureLoaded(PortAudioNative.Library);

    /// <summary>Current number of holders of the initialised library (for tests).</summary>
    public static int References
    {
        get
        {
            lock (Gate)
            {
                return _references;
            }
        }
    }

    /// <summary>
    /// Loads the library and calls <c>Pa_Initialize</c> for the first holder, after checking that the ALSA
    /// configuration will not make PortAudio 19.6 abort the process (<see cref="AlsaConfiguration"/>).
    /// </summary>
    /// <exception cref="NodeException">The library is missing, the ALSA configuration would abort it, or it does not initialise.</exception>
    public static void Acquire()
    {
        EnsurePortAudio();
        lock (Gate)
        {
            if (_references == 0)
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

            _references++;
        }
    }

    /// <summary>Releases one hold; the last one calls <c>Pa_Terminate</c>.</summary>
    public static void Release()
    {
        lock (Gate)
        {
            if (_references == 0)
            {
                return;
            }

            _references--;
            if (_references == 0)
            {
                _ = PortAudioNative.Terminate();
            }
        }
    }
}
