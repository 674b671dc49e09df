using System.Text.Json;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>What users of gst-inspect-1.0, git and CamillaDSP expect from the command line (issue 20, items 7 and 8).</summary>
public class CliConventionTests
{
    [Fact]
    public void Nodes_TYPE_describes_one_type_in_yaml_spelling_and_never_in_csharp()
    {
        Cli.Result all = Cli.Run(RepoPaths.Root, "nodes");
        Assert.True(all.ExitCode == 0, all.StdErr);
        Assert.DoesNotContain("System.", all.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("SyfalaGraph.", all.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("E+308", all.StdOut, StringComparison.Ordinal);
        Assert.Contains("out out: channels set by path", all.StdOut, StringComparison.Ordinal);

        Cli.Result tone = Cli.Run(RepoPaths.Root, "nodes", "tone");
        Assert.True(tone.ExitCode == 0, tone.StdErr);
        Assert.StartsWith("tone  [Core]", tone.StdOut, StringComparison.Ordinal);
        Assert.Contains("duration_s: number s (optional, > 0)", tone.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("gain_db", tone.StdOut, StringComparison.Ordinal);

        Cli.Result typo = Cli.Run(RepoPaths.Root, "nodes", "ton");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("no node type 'ton' (did you mean 'tone'?)", typo.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Nodes_json_is_an_array_of_types_with_parameters_and_ports()
    {
        Cli.Result r = Cli.Run(RepoPaths.Root, "nodes", "gain", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        JsonElement gain = Assert.Single(doc.RootElement.EnumerateArray().ToArray());
        Assert.Equal("gain", gain.GetProperty("type").GetString());
        JsonElement gainDb = gain.GetProperty("parameters").EnumerateArray().First(p => p.GetProperty("name").GetString() == "gain_db");
        Assert.Equal("dB", gainDb.GetProperty("unit").GetString());
        Assert.Equal("0", gainDb.GetProperty("default").GetString());
        Assert.Equal("-120..40", gainDb.GetProperty("range").GetString());
        Assert.Equal(["in", "out"], gain.GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public void A_mistyped_command_gets_the_closest_one_and_quiet_hides_information()
    {
        Cli.Result typo = Cli.Run(RepoPaths.Root, "runn", "graphs/tone-to-file.yaml");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("'runn' is not a syfala-graph command (did you mean 'run'?)", typo.StdErr, StringComparison.Ordinal);

        string dir = RepoPaths.NewTempDir("quiet");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), """
            version: 1
            nodes:
              beep: { type: tone, params: { duration_s: 0.1 } }
              out:  { type: file.writer, params: { path: out.wav } }
            links:
              - beep.out -> out.in
            """);
        Cli.Result quiet = Cli.Run(dir, "run", "g.yaml", "-q");
        Assert.True(quiet.ExitCode == 0, quiet.StdErr);
        Assert.DoesNotContain("info:", quiet.StdErr, StringComparison.Ordinal);
        Cli.Result debug = Cli.Run(dir, "--log-level", "debug", "run", "g.yaml");
        Assert.Contains("dbug:", debug.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_refuses_a_writer_whose_format_cannot_take_its_driver_domains_rate_before_creating_anything()
    {
        // The domain's rate comes from its driver, so validate cannot know it; run checks it before preparing any node.
        string dir = RepoPaths.NewTempDir("stream-check");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), """
            version: 1
            settings: { clock: card, sample_rate: auto }
            nodes:
              card: { type: realtime.clock, params: { sample_rate: 44100 } }
              beep: { type: tone, params: { duration_s: 0.5, channels: 2 } }
              out:  { type: file.writer, params: { path: out.opus } }
            links:
              - beep.out -> out.in
            """);

        Cli.Result validate = Cli.Run(dir, "validate", "g.yaml");
        Cli.Result run = Cli.Run(dir, "run", "g.yaml");

        Assert.True(validate.ExitCode == 0, validate.StdErr);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("g.yaml:6:40: path: ogg opus cannot be written at 44100 Hz with 2 channel(s): Opus only supports sample rates of 8000, 12000, 16000, 24000, and 48000",
            run.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "out.opus")), "a file was created");
    }
}
