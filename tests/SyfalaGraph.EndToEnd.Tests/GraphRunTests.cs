using System.Globalization;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>Real audio files through real graphs, run by the real CLI.</summary>
public class GraphRunTests
{
    public static TheoryData<string> ShippedGraphs()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(RepoPaths.Graphs, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedGraphs))]
    public void Every_graph_in_graphs_folder_validates_and_runs(string graph)
    {
        using JackServer? jack = NeedsJackServer(graph) ? JackServer.Start("sg-graphs") : null;
        Dictionary<string, string>? environment = jack is null ? null
            : new() { ["JACK_DEFAULT_SERVER"] = jack.Name, ["JACK_NO_START_SERVER"] = "1" };
        Cli.Result v = Cli.Run(RepoPaths.Graphs, environment, TimeSpan.FromSeconds(120), "validate", graph);
        Assert.True(v.ExitCode == 0, v.StdErr);
        Cli.Result r = Cli.Run(RepoPaths.Graphs, environment, TimeSpan.FromSeconds(120), "run", graph, "--duration", "10");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains(" 0 faults", r.StdErr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Graphs that reach a JACK server run against a fixture jackd (dummy driver, 48 kHz) named in JACK_DEFAULT_SERVER:
    /// <c>portaudio-*</c> (PortAudio's JACK host API) and <c>jack-*</c> (the jack.client node).
    /// </summary>
    internal static bool NeedsJackServer(string graph) =>
        graph.StartsWith("portaudio-", StringComparison.Ordinal) || graph.StartsWith("jack-", StringComparison.Ordinal);

    [Fact]
    public void A_writer_with_max_duration_s_ends_an_endless_offline_graph_with_exactly_that_much_audio()
    {
        string dir = RepoPaths.NewTempDir("max-duration");
        File.WriteAllText(Path.Combine(dir, "graph.yaml"), """
            version: 1
            settings: { sample_rate: 48000, block_frames: 256, clock: offline }
            nodes:
              hum: { type: tone, params: { frequency_hz: 50 } }
              out: { type: file.writer, params: { path: out.wav, max_duration_s: 1.001 } }
            links:
              - hum.out -> out.in
            """);

        Cli.Result r = Cli.Run(dir, TimeSpan.FromSeconds(60), "run", "graph.yaml");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal("48048", TestAudio.Run("soxi", $"-s \"{Path.Combine(dir, "out.wav")}\"").Trim());
    }

    [Theory]
    [InlineData(TestAudio.FrontCenterWav)]
    [InlineData("speech")]
    public void File_gain_float_output_equals_input_times_gain(string input)
    {
        string path = input == "speech" ? TestAudio.SpeechWav : input;
        (float[] expected, float[] actual, int channels) = RenderGain(path, -6, "float");
        double g = Math.Pow(10, -6 / 20.0);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs((expected[i] * g) - actual[i]) <= 1e-6, $"sample {i}: {expected[i] * g} vs {actual[i]}");
        }

        Assert.Equal(1, channels);
    }

    [Fact]
    public void File_gain_pcm24_output_is_within_one_lsb()
    {
        (float[] expected, float[] actual, _) = RenderGain(TestAudio.FrontCenterWav, 3.5, "pcm_24");
        double g = Math.Pow(10, 3.5 / 20.0);
        double lsb = 1.0 / (1 << 23);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs((expected[i] * g) - actual[i]) <= lsb * 1.0001, $"sample {i}");
        }
    }

    [Fact]
    public void A_44100_Hz_file_in_a_48000_Hz_graph_comes_out_at_48000_Hz_with_the_same_duration()
    {
        string dir = RepoPaths.NewTempDir("resample");
        string in44 = Path.Combine(dir, "in44.wav");
        TestAudio.Run("sox", $"\"{TestAudio.SpeechWav}\" -r 44100 \"{in44}\"");
        long inFrames = long.Parse(TestAudio.Run("soxi", $"-s \"{in44}\"").Trim(), CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(dir, "g.yaml"), """
            version: 1
            settings: { sample_rate: 48000, block_frames: 128 }
            nodes:
              src: { type: file.reader, params: { path: in44.wav } }
              out: { type: file.writer, params: { path: out.wav, subtype: float } }
            links:
              - src.out -> out.in
            """);
        Cli.Result r = Cli.Run(dir, "run", "g.yaml");
        Assert.True(r.ExitCode == 0, r.StdErr);
        string outWav = Path.Combine(dir, "out.wav");
        Assert.Equal("48000", TestAudio.Run("soxi", $"-r \"{outWav}\"").Trim());
        long outFrames = long.Parse(TestAudio.Run("soxi", $"-s \"{outWav}\"").Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(outFrames, (inFrames * 48000 / 44100) - 2, (inFrames * 48000 / 44100) + 2);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_stops_a_realtime_run_cleanly_and_the_output_file_is_complete(string signal)
    {
        string dir = RepoPaths.NewTempDir("signal");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), """
            version: 1
            settings: { clock: realtime, sample_rate: 48000, block_frames: 64 }
            nodes:
              tone: { type: tone, params: { channels: 2, amplitude: 0.25 } }
              out:  { type: file.writer, params: { path: out.wav, subtype: pcm_24 } }
            links:
              - tone.out -> out.in
            """);
        string outWav = Path.Combine(dir, "out.wav");
        using (var run = new CliProcess(dir, "run", "g.yaml"))
        {
            // Start-up time varies with load: record for a second from the moment the graph runs.
            await run.WaitForLogAsync("graph ", TestContext.Current.CancellationToken);
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            Assert.True(run.StopWith(signal) == 0, run.Log);
        }

        double seconds = double.Parse(TestAudio.Run("soxi", $"-D \"{outWav}\"").Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 0.5, 60);
        (float[] samples, int channels, _) = TestAudio.ReadWithSox(outWav);
        Assert.Equal(2, channels);
        Assert.Equal((int)Math.Round(seconds * 48000) * 2, samples.Length);
        Assert.InRange(samples.Max(), 0.24f, 0.2501f);
    }

    private static (float[] Input, float[] Output, int Channels) RenderGain(string input, double gainDb, string subtype)
    {
        string dir = RepoPaths.NewTempDir("gain");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), string.Create(CultureInfo.InvariantCulture, $"""
            version: 1
            settings: {"{"} sample_rate: {TestAudio.Run("soxi", $"-r \"{input}\"").Trim()}, block_frames: 256 {"}"}
            nodes:
              src: {"{"} type: file.reader, params: {"{"} path: "{input}" {"}"} {"}"}
              g:   {"{"} type: gain, params: {"{"} gain_db: {gainDb} {"}"} {"}"}
              out: {"{"} type: file.writer, params: {"{"} path: out.wav, subtype: {subtype} {"}"} {"}"}
            links:
              - src.out -> g.in
              - g.out -> out.in
            """));
        Cli.Result r = Cli.Run(dir, "run", "g.yaml");
        Assert.True(r.ExitCode == 0, r.StdErr);
        (float[] inSamples, int inChannels, _) = TestAudio.ReadWithSox(input);
        (float[] outSamples, int outChannels, _) = TestAudio.ReadWithSox(Path.Combine(dir, "out.wav"));
        Assert.Equal(inChannels, outChannels);
        return (inSamples, outSamples, outChannels);
    }
}
