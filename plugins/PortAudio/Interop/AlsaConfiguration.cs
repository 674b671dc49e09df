using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Native;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>
/// Guards <c>Pa_Initialize</c> against an abort inside Debian's libportaudio2 19.6: its ALSA host API
/// (<c>pa_linux_alsa.c</c>, BuildDeviceList) asserts <c>devIdx &lt; numDeviceNames</c> after it has queried every PCM
/// other than <c>default</c> and <c>dmix</c>, which fails (SIGABRT, the whole process) when every PCM it lists was
/// queried successfully and none of them is <c>default</c> or <c>dmix</c> — e.g. an ALSA configuration with no PCM at
/// all, or with only <c>pcm.sgnull { type null }</c>. The check reads ALSA's configuration (<c>snd_config_update</c>,
/// which honours <c>ALSA_CONFIG_PATH</c>) and refuses unless it defines <c>pcm.default</c> or <c>pcm.dmix</c>. Audio thread: no.
/// </summary>
internal static unsafe partial class AlsaConfiguration
{
    /// <summary>The name used in <c>[LibraryImport]</c> and registered with the resolver (<see cref="KnownNativeLibraries.Asound"/>).</summary>
    public const string Library = "asound";

    /// <summary>
    /// Null when PortAudio can initialise its ALSA host API safely (or there is no ALSA here); otherwise why not,
    /// phrased for the user (the configuration file, what is missing, how to fix it).
    /// </summary>
    public static string? WhyPortAudioWouldAbort()
    {
        // Newer PortAudio sources assert devIdx <= numDeviceNames; the release that fixed it is not known here, so
        // every version before 19.8 is checked (19.6.0 verified to abort).
        if (!OperatingSystem.IsLinux() || PortAudioNative.GetVersion() >= 0x130800 || !NativeLibraryResolver.TryLoad(typeof(AlsaConfiguration).Assembly, KnownNativeLibraries.Asound, out nint handle, out _))
        {
            return null;
        }

        string where = Environment.GetEnvironmentVariable("ALSA_CONFIG_PATH") is { Length: > 0 } path
            ? $"ALSA_CONFIG_PATH={path}"
            : "the default ALSA configuration";
        int error = SndConfigUpdate();
        nint top = NativeLibrary.TryGetExport(handle, "snd_config", out nint variable) ? *(nint*)variable : 0;
        if (error < 0 || top == 0)
        {
            return $"ALSA cannot read its configuration ({where}: {Marshal.PtrToStringUTF8(SndStrError(error)) ?? error.ToString(System.Globalization.CultureInfo.InvariantCulture)}); " +
                "libportaudio2 19.6 would abort the process (assertion 'devIdx < numDeviceNames' in pa_linux_alsa.c BuildDeviceList) with no PCM to list";
        }

        nint node;
        if (SndConfigSearch(top, "pcm.default", &node) >= 0 || SndConfigSearch(top, "pcm.dmix", &node) >= 0)
        {
            return null;
        }

        return $"the ALSA configuration ({where}) defines neither pcm.default nor pcm.dmix: libportaudio2 19.6 would abort the process " +
            "(assertion 'devIdx < numDeviceNames' in pa_linux_alsa.c BuildDeviceList) when it lists its PCMs; add e.g. 'pcm.!default { type null }'";
    }

    [LibraryImport(Library, EntryPoint = "snd_config_update")]
    private static partial int SndConfigUpdate();

    [LibraryImport(Library, EntryPoint = "snd_config_search", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SndConfigSearch(nint config, string key, nint* result);

    [LibraryImport(Library, EntryPoint = "snd_strerror")]
    private static partial nint SndStrError(int error);
}
