using System.Diagnostics;
using SyfalaGraph.Plugins.PortAudio.Interop;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.PortAudio.Tests;

/// <summary>
/// Debian's libportaudio2 19.6 aborts the whole process (SIGABRT, assertion <c>devIdx &lt; numDeviceNames</c> in
/// pa_linux_alsa.c BuildDeviceList) when no PCM it lists is named <c>default</c> or <c>dmix</c> and all the others
/// open. The plugin checks the ALSA configuration before <c>Pa_Initialize</c>. The configurations that would abort
/// are only tried in child CLI processes: if the check missed, the child would die, not the test host.
/// </summary>
public sealed class AlsaAbortGuardTests
{
    [Theory]
    [InlineData("pcm.sgnull { type null }\n")]
    [InlineData("")]
    public void A_configuration_without_a_default_pcm_fails_with_exit_code_1_instead_of_aborting(string configuration)
    {
        string dir = Directory.CreateTempSubdirectory("sg-pa-abort-").FullName;
        string config = Path.Combine(dir, "alsa.conf");
        System.IO.File.WriteAllText(config, configuration);
        string graph = Path.Combine(dir, "g.yaml");
        System.IO.File.WriteAllText(graph, """
            version: 1
            settings: { sample_rate: 48000, clock: dev }
            nodes:
              dev:  { type: portaudio.device, params: { device: sgnull, host_api: ALSA, input_channels: 0, output_channels: 2 } }
              tone: { type: tone, params: { channels: 2 } }
            links:
              - tone.out -> dev.playback
            """);

        (int code, string output) = RunCli(config, "run", graph, "--duration", "1");
        TestContext.Current.TestOutputHelper?.WriteLine($"exit {code}\n{output}");
        Assert.Equal(1, code); // 134 would be SIGABRT
        Assert.Contains("defines neither pcm.default nor pcm.dmix", output, StringComparison.Ordinal);
        Assert.Contains("devIdx < numDeviceNames", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Assertion", output, StringComparison.Ordinal);

        (code, output) = RunCli(config, "devices");
        TestContext.Current.TestOutputHelper?.WriteLine($"exit {code}\n{output}");
        Assert.Equal(0, code); // devices reports a backend's problem and goes on
        Assert.Contains("defines neither pcm.default nor pcm.dmix", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_configuration_with_a_default_pcm_passes_the_check()
    {
        AlsaNull.Ensure();
        PortAudioLibrary.EnsureLoaded(); // registers libasound with the resolver too
        Assert.Null(AlsaConfiguration.WhyPortAudioWouldAbort());
    }

    private static (int ExitCode, string Output) RunCli(string alsaConfig, params string[] arguments)
    {
        string cli = Path.Combine(RepoPaths.CliBin, "syfala-graph.dll");
        Assert.True(System.IO.File.Exists(cli), cli);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(cli);
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["ALSA_CONFIG_PATH"] = alsaConfig;
        psi.Environment["JACK_NO_START_SERVER"] = "1";
        psi.Environment["JACK_DEFAULT_SERVER"] = "sg-no-such-server";
        using var p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000))
        {
            p.Kill();
            Assert.Fail("the CLI did not exit within 60 s");
        }

        return (p.ExitCode, output + err.GetAwaiter().GetResult());
    }
}
