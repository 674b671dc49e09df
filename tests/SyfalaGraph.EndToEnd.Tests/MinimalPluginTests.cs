using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// The minimal plugin of plugins/README.md (<c>tests/MinimalPlugin</c>: <c>[NodeType]</c>, <c>AudioNode</c>,
/// <c>ProcessContext</c>, nothing else) built, dropped into a plugins directory and run in a graph.
/// </summary>
public class MinimalPluginTests
{
    [Fact]
    public void The_three_type_gain_plugin_loads_and_halves_every_sample()
    {
        string dir = RepoPaths.NewTempDir("minimal");
        string plugins = Path.Combine(dir, "plugins");
        TestPlugins.BuildInto("MinimalPlugin", plugins, "MinimalGain");
        TestPlugins.CopyBuilt("Core", plugins);
        TestPlugins.CopyBuilt("File", plugins);
        File.WriteAllText(Path.Combine(dir, "g.yaml"), """
            version: 1
            settings: { sample_rate: 48000, block_frames: 64, clock: offline }
            nodes:
              tone: { type: tone, params: { frequency_hz: 440, amplitude: 0.8, channels: 2, duration_s: 0.1 } }
              half: { type: example.half }
              dry:  { type: file.writer, params: { path: dry.wav, subtype: float } }
              wet:  { type: file.writer, params: { path: wet.wav, subtype: float } }
            links:
              - tone.out -> half.in
              - tone.out -> dry.in
              - half.out -> wet.in

            """);

        Cli.Result nodes = Cli.Run(dir, "nodes", "--plugins", plugins);
        Assert.True(nodes.ExitCode == 0, nodes.StdErr);
        Assert.Contains("example.half  [MinimalGain]", nodes.StdOut, StringComparison.Ordinal);
        Assert.Contains("in  in: as many channels as are linked into it", nodes.StdOut, StringComparison.Ordinal);
        Assert.Contains("out out: as many channels as in", nodes.StdOut, StringComparison.Ordinal);

        Cli.Result run = Cli.Run(dir, "run", "g.yaml", "--plugins", plugins);
        Assert.True(run.ExitCode == 0, run.StdErr);
        (float[] dry, int dryChannels, _) = TestAudio.ReadWithSox(Path.Combine(dir, "dry.wav"));
        (float[] wet, int wetChannels, _) = TestAudio.ReadWithSox(Path.Combine(dir, "wet.wav"));
        Assert.Equal(2, dryChannels);
        Assert.Equal(2, wetChannels); // the output follows the channels linked in
        Assert.Equal(4800 * 2, dry.Length);
        Assert.Equal(dry.Length, wet.Length);
        Assert.InRange(dry.Max(Math.Abs), 0.79f, 0.8001f);
        // × 0.5 is exact in float; sox reads through 32-bit integers, hence the tolerance of a few of their steps.
        for (int i = 0; i < dry.Length; i++)
        {
            Assert.True(Math.Abs(wet[i] - (dry[i] * 0.5f)) < 1e-6f, $"sample {i}: dry {dry[i]}, wet {wet[i]}");
        }
    }

    [Fact]
    public void A_node_type_without_parameters_rejects_any_params_key()
    {
        string dir = RepoPaths.NewTempDir("minimal-params");
        string plugins = Path.Combine(dir, "plugins");
        TestPlugins.BuildInto("MinimalPlugin", plugins, "MinimalGain");
        TestPlugins.CopyBuilt("Core", plugins);
        File.WriteAllText(Path.Combine(dir, "g.yaml"), """
            version: 1
            settings: { sample_rate: 48000, block_frames: 64, clock: offline }
            nodes:
              tone: { type: tone, params: { duration_s: 0.1 } }
              half: { type: example.half, params: { gain_db: -6 } }
            links:
              - tone.out -> half.in

            """);
        Cli.Result validate = Cli.Run(dir, "validate", "g.yaml", "--plugins", plugins);
        Assert.Equal(2, validate.ExitCode);
        Assert.Contains("unknown parameter 'gain_db'", validate.StdErr, StringComparison.Ordinal);
    }
}
