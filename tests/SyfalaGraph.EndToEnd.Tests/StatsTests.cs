using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// <c>run --stats</c> as pw-top users expect it (issue 20, item 6): JSON lines for scripts, plain lines when piped, a
/// frame redrawn in place on a terminal that never overwrites the log, and meter levels in dBFS.
/// </summary>
public class StatsTests
{
    // A 0.25-amplitude sine: peak 20·log10(0.25) = -12.04 dBFS, RMS 3.01 dB lower.
    private const string MeteredTone = """
        version: 1
        settings: { sample_rate: 48000, block_frames: 64, clock: realtime }
        nodes:
          tone: { type: tone, params: { frequency_hz: 1000, amplitude: 0.25 } }
          vol: { type: gain, params: { gain_db: 0 } }
          level: { type: meter }
          out: { type: file.writer, params: { path: out.wav } }
        links:
          - tone.out -> vol.in
          - vol.out -> level.in
          - level.out -> out.in
        """;

    [Fact]
    public void Stats_json_prints_one_object_per_second_with_the_meter_levels_in_dbfs()
    {
        string dir = RepoPaths.NewTempDir("stats-json");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), MeteredTone);

        Cli.Result r = Cli.Run(dir, "run", "g.yaml", "--duration", "2.5", "--stats", "--json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        string[] lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2, r.StdOut); // about one a second (more if the machine is slow to run it), and the last at the end
        using JsonDocument last = JsonDocument.Parse(lines[^1]);
        JsonElement root = last.RootElement;
        Assert.Equal(2.5, root.GetProperty("time_s").GetDouble(), 3);
        Assert.Equal(64, root.GetProperty("block_frames").GetInt32());
        Assert.Equal(0, root.GetProperty("faults").GetInt64());
        Assert.True(root.GetProperty("max_us").GetDouble() > 0);
        Assert.Equal(["tone", "vol", "level", "out"], root.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!).ToArray());
        JsonElement level = Assert.Single(root.GetProperty("levels").EnumerateArray().ToArray());
        Assert.Equal("level", level.GetProperty("node").GetString());
        Assert.Equal(0, level.GetProperty("channel").GetInt32());
        Assert.Equal(-12.04, level.GetProperty("peak_dbfs").GetDouble(), 0.05);
        Assert.Equal(-15.05, level.GetProperty("rms_dbfs").GetDouble(), 0.05);
        Assert.Equal(-12.04, level.GetProperty("peak_hold_dbfs").GetDouble(), 0.05);
        Assert.DoesNotContain("QUANT", r.StdErr, StringComparison.Ordinal); // the table is replaced, not doubled
    }

    [Fact]
    public void Json_without_stats_is_refused()
    {
        string dir = RepoPaths.NewTempDir("stats-json-alone");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), MeteredTone);

        Cli.Result r = Cli.Run(dir, "run", "g.yaml", "--duration", "1", "--json");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--json needs --stats", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Piped_stats_are_plain_lines_with_the_legend_once_and_ascii_level_bars()
    {
        string dir = RepoPaths.NewTempDir("stats-plain");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), MeteredTone);

        Cli.Result r = Cli.Run(dir, "run", "g.yaml", "--duration", "2.5", "--stats");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.DoesNotContain('\u001b', r.StdErr);
        string[] lines = r.StdErr.Split('\n');
        Assert.Single(lines, l => l.StartsWith("MAX: the longest block", StringComparison.Ordinal));
        string[] main = lines.Where(l => l.Contains("QUANT 64  RATE 48000", StringComparison.Ordinal)).ToArray();
        Assert.True(main.Length >= 2, r.StdErr);
        Assert.Matches(@"MAX +\d+\.\dus \(\d+% of 1333us\)  OVER \d+  XRUN \d+  LATE \d+  ERR 0$", main[^1]);
        // Of the 30 cells for -60..0 dBFS, -15.05 dBFS RMS fills 22, the peak (-12.04) shades the 23rd and is held on the 24th.
        string bar = Assert.Single(lines.Where(l => l.TrimStart().StartsWith("level[0]", StringComparison.Ordinal)).TakeLast(1));
        Assert.Contains("-15.1 rms  -12.0 peak  [" + new string('#', 22) + "=|" + new string('.', 6) + "]  -12.0 hold", bar, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_the_frame_is_redrawn_in_place_under_the_log_lines()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string dir = RepoPaths.NewTempDir("stats-live");
        string graph = Path.Combine(dir, "g.yaml");
        File.WriteAllText(graph, MeteredTone);
        string typescript = Path.Combine(dir, "typescript");
        // script(1) gives the CLI a pseudo-terminal (stderr is a tty) and records every byte it writes.
        string command = $"stty cols 160; exec dotnet {Cli.Dll} run g.yaml --duration 6 --stats --watch";
        var psi = new ProcessStartInfo("script", ["-q", "-e", "-f", "-c", command, typescript]) { WorkingDirectory = dir, RedirectStandardInput = true, RedirectStandardOutput = true };
        using Process script = Process.Start(psi)!;
        Task<string> drained = script.StandardOutput.ReadToEndAsync(ct);
        // Edit once the graph is watched and the first frame is drawn (script -f writes the recording as it comes).
        var waited = Stopwatch.StartNew();
        while (!(File.Exists(typescript) && File.ReadAllText(typescript) is var sofar && sofar.Contains("watching ", StringComparison.Ordinal)
            && sofar.Contains("QUANT", StringComparison.Ordinal)))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30) && !script.HasExited, "the CLI never started watching with a frame drawn");
            await Task.Delay(50, ct);
        }

        File.WriteAllText(graph, MeteredTone.Replace("gain_db: 0", "gain_db: -6", StringComparison.Ordinal)); // a log line mid-run
        if (!script.WaitForExit(60_000))
        {
            script.Kill(entireProcessTree: true);
            Assert.Fail("script did not end within 60 s");
        }

        await drained;
        Assert.Equal(0, script.ExitCode);
        string raw = File.ReadAllText(typescript);
        Assert.Contains("\u001b[J", raw, StringComparison.Ordinal);

        // script(1) frames the recording with "Script started/done on …" lines of its own.
        List<string> screen = Replay(raw).Where(l => !l.StartsWith("Script ", StringComparison.Ordinal)).ToList();

        string text = string.Join('\n', screen);
        int reload = screen.FindIndex(l => l.Contains("reload: ", StringComparison.Ordinal));
        Assert.True(reload >= 0, text);
        int frame = screen.FindIndex(l => l.Contains("QUANT 64  RATE 48000", StringComparison.Ordinal));
        Assert.True(frame > reload, text); // the log line stayed above the frame
        Assert.Single(screen, l => l.Contains("QUANT 64  RATE 48000", StringComparison.Ordinal)); // one frame, redrawn
        Assert.Contains("ended after 6.000 s of audio", screen[^1], StringComparison.Ordinal);
        // After the edit the meter reads 6 dB lower.
        Assert.Contains(screen, l => l.TrimStart().StartsWith("level[0]", StringComparison.Ordinal) && l.Contains("-21.1 rms  -18.0 peak", StringComparison.Ordinal));
    }

    /// <summary>The lines left on a terminal by <paramref name="raw"/>: text, CR/LF, "CSI n F" (up n lines) and "CSI J" (clear below); other escapes are dropped.</summary>
    private static List<string> Replay(string raw)
    {
        var screen = new List<string> { "" };
        int row = 0;
        var line = new StringBuilder();
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '\u001b' && i + 1 < raw.Length && raw[i + 1] == '[')
            {
                int j = i + 2;
                while (j < raw.Length && (char.IsDigit(raw[j]) || raw[j] is ';' or '?'))
                {
                    j++;
                }

                string arg = raw[(i + 2)..j];
                char op = j < raw.Length ? raw[j] : ' ';
                if (op == 'F')
                {
                    row = Math.Max(0, row - int.Parse(arg.Length == 0 ? "1" : arg, System.Globalization.CultureInfo.InvariantCulture));
                    screen[row] = "";
                }
                else if (op == 'J')
                {
                    screen.RemoveRange(row + 1, screen.Count - row - 1);
                    screen[row] = "";
                }

                i = j;
            }
            else if (c == '\u001b')
            {
                i++; // a two-character escape (ESC =)
            }
            else if (c == '\n')
            {
                row++;
                if (row == screen.Count)
                {
                    screen.Add("");
                }
            }
            else if (c != '\r')
            {
                screen[row] += c;
            }
        }

        return screen.Where(l => l.Length > 0).ToList();
    }
}
