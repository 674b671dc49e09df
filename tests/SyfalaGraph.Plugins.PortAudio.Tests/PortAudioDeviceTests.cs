using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Validation;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.PortAudio.Tests;

public sealed class PortAudioDeviceTests
{
    private const string Graph = """
        version: 1
        settings:
          sample_rate: 48000
          clock: dev
        nodes:
          dev:  { type: portaudio.device, params: { device: DEVICE, host_api: HOSTAPI, input_channels: IN, output_channels: 2, frames_per_buffer: 256 } }
          tone: { type: tone, params: { channels: 2 } }
          gain: { type: gain, params: { gain_db: -6 } }
        links:
          - tone.out -> gain.in
          - gain.out -> dev.playback
        """;

    private static string Yaml(string device = "sgnull", string hostApi = "ALSA", int inputChannels = 2) =>
        Graph.Replace("DEVICE", device, StringComparison.Ordinal).Replace("HOSTAPI", hostApi, StringComparison.Ordinal)
            .Replace("IN", inputChannels.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static ValidatedGraph Load(string yaml)
    {
        AlsaNull.Ensure();
        var registry = new NodeTypeRegistry();
        Assert.Empty(registry.AddAssembly(typeof(PortAudioDeviceNode).Assembly, "PortAudio"));
        Assert.Empty(registry.AddAssembly(typeof(SyfalaGraph.Plugins.Core.GainNode).Assembly, "Core"));
        return GraphValidator.Load(yaml, "g.yaml", Path.Combine(Path.GetTempPath(), "g.yaml"), registry);
    }

    private static ServiceProvider Services() => new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();

    [Fact]
    public void Five_seconds_of_audio_through_the_alsa_null_device_run_without_xruns_or_allocation()
    {
        using ServiceProvider services = Services();
        using var runtime = GraphRuntime.Create(Load(Yaml()), services, new RuntimeOptions { DurationSeconds = 5 });
        var node = (PortAudioDeviceNode)runtime.GetNode("dev");
        Assert.Equal(256, runtime.BlockFrames);
        var clock = Stopwatch.StartNew();
        runtime.Start();
        Assert.True(WaitForEnd(runtime));
        double wall = clock.Elapsed.TotalSeconds;
        runtime.Stop();

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"device [{node.DeviceIndex}] {node.DeviceName}: {runtime.FramesProcessed} frames in {runtime.Cycles} cycles, {node.Callbacks} callbacks " +
            $"({node.CallbackFrames} frames), wall {wall:F3} s, xruns {runtime.Xruns}, allocated after warm-up {runtime.AudioThreadAllocatedBytes} B, " +
            $"latency in {node.InputLatencySeconds * 1000:F1} ms / out {node.OutputLatencySeconds * 1000:F1} ms");
        Assert.Equal("sgnull", node.DeviceName);
        Assert.InRange(runtime.FramesProcessed, 5 * 48000 * 0.97, 5 * 48000 * 1.03);
        Assert.Equal(0, runtime.Xruns);
        Assert.Equal(0, node.Xruns);
        Assert.Equal(0, runtime.Faults);
        Assert.Equal(0, runtime.AudioThreadAllocatedBytes);
    }

    [Fact]
    public void Unspecified_frames_per_buffer_runs_each_host_period_in_blocks_of_at_most_block_frames()
    {
        string yaml = Yaml().Replace("frames_per_buffer: 256", "frames_per_buffer: 0", StringComparison.Ordinal)
            .Replace("clock: dev", "clock: dev\n  block_frames: 96", StringComparison.Ordinal);
        using ServiceProvider services = Services();
        using var runtime = GraphRuntime.Create(Load(yaml), services, new RuntimeOptions { DurationSeconds = 2 });
        var node = (PortAudioDeviceNode)runtime.GetNode("dev");
        Assert.Equal(96, runtime.BlockFrames);
        runtime.Start();
        Assert.True(WaitForEnd(runtime));
        runtime.Stop();

        long perCallback = node.CallbackFrames / Math.Max(1, node.Callbacks);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{node.Callbacks} callbacks, {node.CallbackFrames} frames (mean {perCallback} per callback), {runtime.Cycles} cycles, {runtime.FramesProcessed} frames, xruns {runtime.Xruns}");

        // The host's period is not 96 frames, so callbacks were cut into several blocks: at least ceil(frames / 96).
        Assert.NotEqual(96, perCallback);
        Assert.Equal(2 * 48000, runtime.FramesProcessed);
        Assert.True(runtime.Cycles >= (runtime.FramesProcessed + 95) / 96, $"{runtime.Cycles} cycles for {runtime.FramesProcessed} frames in blocks of at most 96");
        Assert.True(runtime.Cycles > node.Callbacks, "each callback ran more than one block");
        Assert.Equal(0, runtime.Xruns);
        Assert.Equal(0, runtime.AudioThreadAllocatedBytes);
    }

    [Fact]
    public void Stream_latency_rate_callbacks_and_xruns_are_published_as_metrics()
    {
        using ServiceProvider services = Services();
        using var runtime = GraphRuntime.Create(Load(Yaml()), services, new RuntimeOptions { DurationSeconds = 0.5 });
        var node = (PortAudioDeviceNode)runtime.GetNode("dev");
        var seen = new List<(string Instrument, double Value, string Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name.StartsWith("syfalagraph.portaudio.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        listener.Start();
        runtime.Start();
        Assert.True(WaitForEnd(runtime));
        listener.RecordObservableInstruments(); // while the stream is open
        runtime.Stop();

        Assert.Contains(("syfalagraph.portaudio.sample_rate", 48000.0, "node=dev"), seen);
        Assert.Contains(("syfalagraph.portaudio.latency", node.InputLatencySeconds * 1000, "node=dev,direction=input"), seen);
        Assert.Contains(("syfalagraph.portaudio.latency", node.OutputLatencySeconds * 1000, "node=dev,direction=output"), seen);
        Assert.Contains(("syfalagraph.portaudio.callbacks", (double)node.Callbacks, "node=dev"), seen);
        Assert.Contains(("syfalagraph.portaudio.xruns", 0.0, "node=dev"), seen);
        Assert.True(node.OutputLatencySeconds > 0);
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (KeyValuePair<string, object?> t in tags)
        {
            parts.Add($"{t.Key}={t.Value}");
        }

        return string.Join(',', parts);
    }

    [Fact]
    public void Stream_starts_and_stops_cleanly_three_times_in_a_row()
    {
        for (int i = 0; i < 3; i++)
        {
            using ServiceProvider services = Services();
            using var runtime = GraphRuntime.Create(Load(Yaml()), services, new RuntimeOptions { DurationSeconds = 0.5 });
            runtime.Start();
            Assert.True(WaitForEnd(runtime));
            runtime.Stop();
            Assert.Equal(24000, runtime.FramesProcessed);
        }
    }

    [Theory]
    [InlineData("nosuch", "ALSA", 2, "no device matching 'nosuch'")]
    [InlineData("sgnull", "ASIO", 2, "no host API 'ASIO'; available host APIs: ALSA")]
    [InlineData("99", "ALSA", 2, "no device with index 99")]
    [InlineData("sgnull", "ALSA", 200, "input_channels is 200")]
    public void Bad_device_settings_fail_with_a_list_of_what_exists(string device, string hostApi, int inputChannels, string expected)
    {
        using ServiceProvider services = Services();
        var ex = Assert.ThrowsAny<Exception>(() => GraphRuntime.Create(Load(Yaml(device, hostApi, inputChannels)), services));
        string message = ex.ToString();
        Assert.Contains(expected, message, StringComparison.Ordinal);
        if (!expected.Contains("host API", StringComparison.Ordinal))
        {
            Assert.Contains("'sgnull' (ALSA", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Cli_exits_with_1_and_the_device_list_on_an_unknown_device()
    {
        string dir = Directory.CreateTempSubdirectory("sg-pa-").FullName;
        string graph = Path.Combine(dir, "bad.yaml");
        System.IO.File.WriteAllText(graph, Yaml(device: "nosuch"));
        string cli = Path.Combine(RepoPaths.CliBin, "syfala-graph.dll");
        Assert.True(System.IO.File.Exists(cli), cli);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { cli, "run", graph, "--duration", "1" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["ALSA_CONFIG_PATH"] = AlsaNull.Ensure();
        using var p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        string all = output + Await(err);
        TestContext.Current.TestOutputHelper?.WriteLine(all);
        Assert.Equal(1, p.ExitCode);
        Assert.Contains("no device matching 'nosuch'", all, StringComparison.Ordinal);
        Assert.Contains("'sgnull' (ALSA", all, StringComparison.Ordinal);
    }

    private static bool WaitForEnd(GraphRuntime runtime) =>
        runtime.Completion.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    private static string Await(Task<string> task) => task.GetAwaiter().GetResult();
}
