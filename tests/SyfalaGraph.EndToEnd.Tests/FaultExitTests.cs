using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>Output lost to a fault ends <c>run</c> with exit 1 and says what was lost (issue 15, item 5).</summary>
public class FaultExitTests
{
    [Theory]
    [InlineData("offline")]
    [InlineData("realtime")]
    public void A_writer_on_a_full_tmpfs_ends_run_with_exit_1_and_says_how_much_was_written(string clock)
    {
        using var disk = new SmallTmpfs("full-disk-cli", kibibytes: 256);
        string dir = RepoPaths.NewTempDir("full-disk-graph");
        string graph = Path.Combine(dir, "graph.yaml");
        File.WriteAllText(graph, $"""
            version: 1
            settings: {"{"} sample_rate: 48000, block_frames: 256, clock: {clock} {"}"}
            nodes:
              beep: {"{"} type: tone, params: {"{"} frequency_hz: 440, amplitude: 0.5, duration_s: 10, channels: 2 {"}"} {"}"}
              out:  {"{"} type: file.writer, params: {"{"} path: {Path.Combine(disk.Path, "out.wav")}, subtype: pcm_24 {"}"} {"}"}
            links:
              - beep.out -> out.in
            """);

        Cli.Result r = Cli.Run(dir, TimeSpan.FromSeconds(60), "run", graph);

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.StdErr}");
        Assert.Contains("node 'out' failed at", r.StdErr, StringComparison.Ordinal);
        Assert.Matches(@"'.*out\.wav' is incomplete: \d+ frames \(\d+\.\d{3} s\) written, \d+ frames \(\d+\.\d{3} s\) lost: ", r.StdErr);
        Assert.Contains("lost: No space left on device", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("failed after", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Overflow", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flac_with_nothing_decodable_after_an_error_ends_run_with_exit_1_and_the_position()
    {
        string dir = RepoPaths.NewTempDir("cut-flac-cli");
        string clean = Path.Combine(dir, "clean.flac");
        TestAudio.Run("sox", $"-n -r 48000 -c 2 -b 24 \"{clean}\" synth 10 pinknoise");
        byte[] bytes = File.ReadAllBytes(clean);
        File.WriteAllBytes(Path.Combine(dir, "cut.flac"), bytes.AsSpan(0, bytes.Length / 2).ToArray());
        File.WriteAllText(Path.Combine(dir, "graph.yaml"), """
            version: 1
            nodes:
              in:  { type: file.reader, params: { path: cut.flac } }
              out: { type: file.writer, params: { path: out.wav } }
            links:
              - in.out -> out.in
            """);

        Cli.Result r = Cli.Run(dir, TimeSpan.FromSeconds(60), "run", "graph.yaml");

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.StdErr}");
        Assert.Matches(@"decoding '.*cut\.flac' failed at \d+\.\d{3} s \(frame \d+\): .*; nothing decodable follows \(the header announces 10\.000 s\)", r.StdErr);
        Assert.Contains("node 'in' failed at", r.StdErr, StringComparison.Ordinal);
    }
}
