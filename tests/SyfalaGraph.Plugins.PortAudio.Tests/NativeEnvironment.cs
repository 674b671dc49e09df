using System.Runtime.InteropServices;

// PortAudio is process-wide state (Pa_Initialize reference count, the environment its host APIs read when it
// initialises): the tests of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SyfalaGraph.Plugins.PortAudio.Tests;

/// <summary>
/// Sets environment variables where native code reads them (libc <c>setenv</c>): ALSA and libjack call getenv when
/// PortAudio initialises, and <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach it.
/// </summary>
internal static partial class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> in both the managed and the native environment.</summary>
    public static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv {name} failed");
        }
    }

    /// <summary>
    /// Points PortAudio's JACK host API (at its next Pa_Initialize) at server <paramref name="serverName"/>, and never
    /// lets libjack start a server of its own.
    /// </summary>
    public static void UseJackServer(string serverName)
    {
        Set("JACK_DEFAULT_SERVER", serverName);
        Set("JACK_NO_START_SERVER", "1");
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
