namespace SyfalaGraph.Plugins.PortAudio.Tests;

/// <summary>
/// Points ALSA at a configuration with only null devices (<c>sgnull</c> and <c>default</c>), which works without
/// a sound card. ALSA reads ALSA_CONFIG_PATH with getenv when PortAudio initialises, so the variable is set in
/// the native environment (libc setenv; Environment.SetEnvironmentVariable does not reach it) before that.
/// </summary>
internal static class AlsaNull
{
    private static readonly Lazy<string> ConfigPath = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"sg-portaudio-null-{Environment.ProcessId}.conf");
        System.IO.File.WriteAllText(path, "pcm.!default { type null }\npcm.sgnull { type null }\n");
        NativeEnvironment.Set("ALSA_CONFIG_PATH", path);
        NativeEnvironment.Set("JACK_NO_START_SERVER", "1");
        return path;
    });

    /// <summary>Writes the configuration once and exports it; returns its path.</summary>
    public static string Ensure() => ConfigPath.Value;
}
