using System.Text.Json;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// The PortAudio plugin through the real CLI: <c>devices</c>, and the error paths of <c>portaudio.device</c>
/// (exit code 2 for what validation can see, 1 for what only the device can tell), against ALSA's null device
/// (a configuration written here, named by ALSA_CONFIG_PATH) and a real jackd (PortAudio's JACK host API).
/// </summary>
public class PortAudioCliTests
{
    private static Dictionary<string, string> AlsaNullEnvironment(string dir, string? jackServer = null)
    {
        string config = Path.Combine(dir, "alsa-null.conf");
        File.WriteAllText(config, "pcm.!default { type null }\npcm.sgnull { type null }\n");
        return new()
        {
            ["ALSA_CONFIG_PATH"] = config,
            ["JACK_DEFAULT_SERVER"] = jackServer ?? "sg-no-such-server",
            ["JACK_NO_START_SERVER"] = "1",
        };
    }

    private static void AssertNoCrash(Cli.Result r)
    {
        Assert.DoesNotContain("Unhandled exception", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Devices_lists_the_alsa_null_devices_by_host_api()
    {
        string dir = RepoPaths.NewTempDir("pa-devices");
        Cli.Result r = Cli.Run(dir, AlsaNullEnvironment(dir), TimeSpan.FromSeconds(60), "devices");
        TestContext.Current.TestOutputHelper?.WriteLine(r.StdOut);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("PortAudio  [PortAudio]\n  ALSA\n    sgnull  128 in, 128 out, 44100 Hz", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("    default  128 in, 128 out", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("latency out ", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Devices_lists_the_jack_host_api_device_while_jackd_runs_also_as_json()
    {
        string dir = RepoPaths.NewTempDir("pa-devices");
        using var jack = JackServer.Start("sg-pa-devices");
        Dictionary<string, string> env = AlsaNullEnvironment(dir, jack.Name);
        Cli.Result r = Cli.Run(dir, env, TimeSpan.FromSeconds(60), "devices");
        TestContext.Current.TestOutputHelper?.WriteLine(r.StdOut);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("  JACK Audio Connection Kit\n    system  2 in, 2 out, 48000 Hz", r.StdOut, StringComparison.Ordinal);

        Cli.Result j = Cli.Run(dir, env, TimeSpan.FromSeconds(60), "devices", "--json");
        Assert.True(j.ExitCode == 0, j.StdErr);
        using JsonDocument doc = JsonDocument.Parse(j.StdOut);
        JsonElement portAudio = doc.RootElement.EnumerateArray().Single(b => b.GetProperty("backend").GetString() == "PortAudio");
        Assert.Equal(JsonValueKind.Null, portAudio.GetProperty("problem").ValueKind);
        JsonElement system = portAudio.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "system");
        Assert.Equal("JACK Audio Connection Kit", system.GetProperty("group").GetString());
        Assert.Equal(2, system.GetProperty("input_channels").GetInt32());
        Assert.Equal(2, system.GetProperty("output_channels").GetInt32());
        Assert.Equal(48000, system.GetProperty("default_sample_rate").GetDouble());
    }

    [Fact]
    public void Devices_prints_a_backend_problem_and_still_exits_0()
    {
        string dir = RepoPaths.NewTempDir("pa-devices");
        Dictionary<string, string> env = AlsaNullEnvironment(dir);
        // The only PCM names a card that does not exist. (A configuration with no PCM at all is not usable here:
        // Debian's libportaudio2 19.6 then aborts the process in an assertion in pa_linux_alsa.c BuildDeviceList.)
        File.WriteAllText(env["ALSA_CONFIG_PATH"], "pcm.!default { type hw card 99 }\n");
        Cli.Result r = Cli.Run(dir, env, TimeSpan.FromSeconds(60), "devices");
        TestContext.Current.TestOutputHelper?.WriteLine(r.StdOut);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("PortAudio  [PortAudio]\n  problem: no devices found; host APIs: ", r.StdOut, StringComparison.Ordinal);
        AssertNoCrash(r);

        // The probing of the missing card (alsa-lib) and of the missing JACK server (libjack) says nothing the listing
        // does not: neither library's own lines reach stderr.
        Assert.DoesNotContain("ALSA lib", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot connect to server", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("JACK  [Jack]\n  problem: JACK: no JACK server named 'sg-no-such-server' is running", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Devices_exits_1_and_says_so_when_no_plugin_has_a_catalog()
    {
        string dir = RepoPaths.NewTempDir("pa-devices");
        string plugins = Path.Combine(dir, "plugins");
        foreach (string file in Directory.GetFiles(Path.Combine(RepoPaths.CliPlugins, "Core"), "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(plugins, "Core", Path.GetRelativePath(Path.Combine(RepoPaths.CliPlugins, "Core"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }

        Cli.Result r = Cli.Run(dir, TimeSpan.FromSeconds(60), "devices", "--plugins", plugins);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("lists devices (no IDeviceCatalog found)", r.StdErr, StringComparison.Ordinal);
        AssertNoCrash(r);
    }

    private const string JackGraph = """
        version: 1
        settings: { sample_rate: RATE, clock: dev }
        nodes:
          dev:  { type: portaudio.device, params: { host_api: HOSTAPI, device: DEVICE, input_channels: 2, output_channels: OUT, frames_per_buffer: FPB } }
          tone: { type: tone, params: { channels: OUT } }
        links:
          - tone.out -> dev.playback
        """;

    [Theory]
    [InlineData("44100", "JACK", "system", "2", "256", 1, "does not take 44100 Hz float32", "its default sample rate is 48000 Hz")]
    [InlineData("48000", "JACK", "system", "8", "256", 1, "output_channels is 8; devices: [", "'system' (JACK Audio Connection Kit, 2 in, 2 out, 48000 Hz)")]
    [InlineData("48000", "JACK", "nosuch", "2", "256", 1, "no device matching 'nosuch' of host API JACK Audio Connection Kit", "'system' (JACK Audio Connection Kit, 2 in, 2 out")]
    [InlineData("48000", "ASIO", "system", "2", "256", 1, "no host API 'ASIO'; available host APIs: ", "JACK Audio Connection Kit")]
    [InlineData("48000", "JACK", "system", "2", "8", 2, "g.yaml:4:", "frames_per_buffer is 8: use 0 (the host API's own period) or 16..8192")]
    [InlineData("48000", "JACK", "system", "999", "256", 2, "g.yaml:4:", "output_channels")]
    public void Bad_rates_devices_and_channel_counts_exit_with_a_clear_error(string rate, string hostApi, string device, string outputs,
        string framesPerBuffer, int exitCode, string expected, string alsoExpected)
    {
        string dir = RepoPaths.NewTempDir("pa-errors");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), JackGraph.Replace("RATE", rate, StringComparison.Ordinal)
            .Replace("HOSTAPI", hostApi, StringComparison.Ordinal).Replace("DEVICE", device, StringComparison.Ordinal)
            .Replace("OUT", outputs, StringComparison.Ordinal).Replace("FPB", framesPerBuffer, StringComparison.Ordinal));
        using var jack = JackServer.Start("sg-pa-errors");
        Cli.Result r = Cli.Run(dir, AlsaNullEnvironment(dir, jack.Name), TimeSpan.FromSeconds(60), "run", "g.yaml", "--duration", "1");
        string all = r.StdOut + r.StdErr;
        TestContext.Current.TestOutputHelper?.WriteLine(all);
        Assert.Equal(exitCode, r.ExitCode);
        Assert.Contains(expected, all, StringComparison.Ordinal);
        Assert.Contains(alsoExpected, all, StringComparison.Ordinal);
        AssertNoCrash(r);
    }
}
