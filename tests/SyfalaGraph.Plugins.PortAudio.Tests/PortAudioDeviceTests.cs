using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Graph;
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
          sample_rate: RATE
          clock: dev
        nodes:
          dev:  { type: portaudio.device, params: { device: DEVICE, host_api: HOSTAPI, input_channels: IN, output_channels: 2, frames_per_buffer: 256MORE } }
          tone: { type: tone, params: { channels: 2 } }
          gain: { type: gain, params: { gain_db: -6 } }
        links:
          - tone.out -> gain.in
          - gain.out -> dev.playback
        """;

    private static string Yaml(string device = "sgnull", string hostApi = "ALSA", int inputChannels = 2, string more = "", string rate = "48000") =>
        Graph.Replace("DEVICE", device, StringComparison.Ordinal).Replace("HOSTAPI", hostApi, StringComparison.Ordinal)
            .Replace("IN", inputChannels.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("MORE", more, StringComparison.Ordinal).Replace("RATE", rate, StringComparison.Ordinal);

    private static ValidatedGraph Load(string yaml)
    {
        AlsaNull.Ensure();
        var registry = new NodeTypeRegistry();
        Assert.Empty(registry.AddAssembly(typeof(PortAudioDeviceNode).Assembly, "PortAudio"));
        Assert.Empty(registry.AddAssembly(typeof(SyfalaGraph.Plugins.Core.GainNode).Assembly, "Core"));
        return GraphValidator.Load(yaml, "g.yaml", Path.Combine(Path.GetTempPath(), "g.yaml"), registry);
    }

    private static ServiceProvider Services() => new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();

    /// <summary>
    /// ALSA's null PCM has no clock (alsa-lib's pcm_null.c: always ready, avail = the whole buffer), so the node paces
    /// it with <c>pacing: system</c>: each callback waits on CLOCK_MONOTONIC until its frames are due. The rate is
    /// measured from outside (callback frames against the test's Stopwatch) over 5 s, after 0.5 s of warm-up.
    /// </summary>
    [Fact]
    public void Paced_by_the_system_clock_the_alsa_null_device_runs_at_48000_frames_per_second_for_5_s_without_xruns_or_allocation()
    {
        using ServiceProvider services = Services();
        using var runtime = GraphRuntime.Create(Load(Yaml(more: ", pacing: system")), services, new RuntimeOptions { DurationSeconds = 6 });
        var node = (PortAudioDeviceNode)runtime.GetNode("dev");
        Assert.Equal(256, runtime.BlockFrames);
        runtime.Start();
        var wait = Stopwatch.StartNew();
        while (node.Callbacks == 0 && wait.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(5);
        }

        Thread.Sleep(500);
        long frames0 = node.CallbackFrames;
        long ticks0 = Stopwatch.GetTimestamp();
        Thread.Sleep(5000);
        long frames1 = node.CallbackFrames;
        long ticks1 = Stopwatch.GetTimestamp();
        Assert.True(WaitForEnd(runtime));
        runtime.Stop();

        double seconds = (ticks1 - ticks0) / (double)Stopwatch.Frequency;
        double rate = (frames1 - frames0) / seconds;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"device [{node.DeviceIndex}] {node.DeviceName}, pacing: system: {frames1 - frames0} frames in {seconds:F3} s = {rate:F1} frames/s " +
            $"({(rate / 48000 - 1) * 100:+0.00;-0.00} %); node's own measure {node.MeasuredFramesPerSecond:F1} frames/s; callback thread real-time: {node.CallbackThreadRealtime}; " +
            $"latest callback {node.MaxPacingLatenessMs:F3} ms after due; {runtime.FramesProcessed} frames, {node.Callbacks} callbacks, xruns {runtime.Xruns}, " +
            $"allocated after warm-up {runtime.AudioThreadAllocatedBytes} B, latency in {node.InputLatencySeconds * 1000:F1} ms / out {node.OutputLatencySeconds * 1000:F1} ms");
        Assert.Equal("sgnull", node.DeviceName);
        // Deterministic on average: absolute deadlines on the monotonic clock, so only an xrun (re-anchoring) or the
        // sampling of one callback (256 frames) moves the rate; the bound is loose on purpose.
        Assert.InRange(rate, 48000 * 0.9, 48000 * 1.1);
        Assert.False(node.RunsFasterThanRealTime);
        Assert.Equal(6 * 48000, runtime.FramesProcessed);
        Assert.Equal(0, runtime.Xruns);
        Assert.Equal(0, node.Xruns);
        Assert.Equal(0, runtime.Faults);
        AudioThreadAllocations.AssertNoSteadyStateAllocation(runtime.AudioThreadAllocatedBytes, runtime.AudioThreadAllocatingBlocks, "portaudio graph");
        if (Environment.IsPrivilegedProcess)
        {
            Assert.True(node.CallbackThreadRealtime, "as root, PaAlsa_EnableRealtimeScheduling makes the callback thread SCHED_FIFO");
        }
    }

    [Fact]
    public void Left_to_its_own_clock_the_alsa_null_device_is_flagged_as_running_faster_than_real_time()
    {
        using ServiceProvider services = Services();
        using var runtime = GraphRuntime.Create(Load(Yaml()), services, new RuntimeOptions { DurationSeconds = 5 });
        var node = (PortAudioDeviceNode)runtime.GetNode("dev");
        var clock = Stopwatch.StartNew();
        runtime.Start();
        Assert.True(WaitForEnd(runtime));
        double wall = clock.Elapsed.TotalSeconds;
        runtime.Stop();

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"pacing: device: {runtime.FramesProcessed} frames in {wall:F3} s of wall time; node's measure {node.MeasuredFramesPerSecond:F0} frames/s; " +
            $"flagged {node.RunsFasterThanRealTime}; xruns {runtime.Xruns}; allocated after warm-up {runtime.AudioThreadAllocatedBytes} B");
        Assert.Equal(5 * 48000, runtime.FramesProcessed);
        Assert.True(node.RunsFasterThanRealTime);
        Assert.True(node.MeasuredFramesPerSecond > 48000 * 2, $"{node.MeasuredFramesPerSecond} frames/s");
        Assert.Equal(0, runtime.Xruns);
        AudioThreadAllocations.AssertNoSteadyStateAllocation(runtime.AudioThreadAllocatedBytes, runtime.AudioThreadAllocatingBlocks, "portaudio graph");
    }

    [Fact]
    public void Sample_rate_auto_takes_the_default_rate_portaudio_reports_for_the_device()
    {
        using ServiceProvider services = Services();
        using var runtime = GraphRuntime.Create(Load(Yaml(rate: "auto", more: ", pacing: system")), services, new RuntimeOptions { DurationSeconds = 0.5 });
        var node = (PortAudioDeviceNode)runtime.GetNode("dev");
        runtime.Start();
        Assert.True(WaitForEnd(runtime));
        runtime.Stop();

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"default rate {node.PreferredSampleRate} Hz; graph {runtime.SampleRate} Hz; stream {node.StreamSampleRate} Hz; {runtime.FramesProcessed} frames; measured {node.MeasuredFramesPerSecond:F0} frames/s");
        Assert.Equal(44100, node.PreferredSampleRate); // what PortAudio 19.6 reports for an ALSA plugin PCM that takes 44.1 kHz
        Assert.Equal(44100, runtime.SampleRate);
        Assert.Equal(44100, node.StreamSampleRate);
        Assert.Equal(22050, runtime.FramesProcessed);
        Assert.Equal(0, runtime.Xruns);
    }

    [Fact]
    public void An_explicit_sample_rate_wins_over_the_device_default()
    {
        using ServiceProvider services = Services();
        using var runtime = GraphRuntime.Create(Load(Yaml(rate: "96000")), services, new RuntimeOptions { DurationSeconds = 0.25 });
        var node = (PortAudioDeviceNode)runtime.GetNode("dev");
        runtime.Start();
        Assert.True(WaitForEnd(runtime));
        runtime.Stop();
        Assert.Equal(96000, runtime.SampleRate);
        Assert.Equal(96000, node.StreamSampleRate);
        Assert.Equal(24000, runtime.FramesProcessed);
    }

    [Theory]
    [InlineData("pacing: sometimes", "pacing is 'sometimes': use 'device'")]
    public void Bad_pacing_is_a_validation_error_with_its_position(string param, string expected)
    {
        var ex = Assert.Throws<GraphException>(() => Load(Yaml(more: ", " + param)));
        TestContext.Current.TestOutputHelper?.WriteLine(ex.Message);
        Assert.Contains("g.yaml:6:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
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
        AudioThreadAllocations.AssertNoSteadyStateAllocation(runtime.AudioThreadAllocatedBytes, runtime.AudioThreadAllocatingBlocks, "portaudio graph");
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
        // While the stream is open. The graph's end is signalled from inside a callback, so PortAudio may still be
        // finishing a callback: the counter is read on both sides of the recording.
        long callbacksBefore = node.Callbacks;
        listener.RecordObservableInstruments();
        long callbacksAfter = node.Callbacks;
        runtime.Stop();

        Assert.Contains(("syfalagraph.portaudio.sample_rate", 48000.0, "node=dev"), seen);
        Assert.Contains(("syfalagraph.portaudio.latency", node.InputLatencySeconds * 1000, "node=dev,direction=input"), seen);
        Assert.Contains(("syfalagraph.portaudio.latency", node.OutputLatencySeconds * 1000, "node=dev,direction=output"), seen);
        Assert.Contains(seen, m => m.Instrument == "syfalagraph.portaudio.callbacks" && m.Tags == "node=dev" && m.Value >= callbacksBefore && m.Value <= callbacksAfter);
        Assert.Contains(seen, m => m.Instrument == "syfalagraph.portaudio.measured_rate" && m.Tags == "node=dev" && m.Value > 0);
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
