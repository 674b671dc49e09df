using System.Runtime.InteropServices;

namespace SyfalaGraph.Plugins.PortAudio.Tests;

/// <summary>
/// Points ALSA at a configuration with only null devices (<c>sgnull</c> and <c>default</c>), which works without
/// a sound card. ALSA reads ALSA_CONFIG_PATH with getenv when PortAudio initialises, so the variable is set in
/// the native environment (libc setenv; Environment.SetEnvironmentVariable does not reach it) before that.
/// </summary>
internal static partial class AlsaNull
{
    private static readonly Lazy<string> ConfigPath = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"sg-portaudio-null-{Environment.ProcessId}.conf");
        File.WriteAllText(path, "pcm.!default { type null }\npcm.sgnull { type null }\n");
        Environment.SetEnvironmentVariable("ALSA_CONFIG_PATH", path);
        _ = SetEnv("ALSA_CONFIG_PATH", path, 1);
        return path;
    });

    /// <summary>Writes the configuration once and exports it; returns its path.</summary>
    public static string Ensure() => ConfigPath.Value;

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
