namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>The corpus of malformed graphs: one file per error class, each with its expected <c>file:line:col: message</c>.</summary>
public class BadGraphTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "BadGraphs");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string line in File.ReadAllLines(Path.Combine(Folder, "expected.txt")))
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                data.Add(line[..line.IndexOf(':', StringComparison.Ordinal)], line);
            }
        }

        return data;
    }

    [Fact]
    public void Corpus_covers_at_least_25_error_classes_and_every_file_has_an_expectation()
    {
        var files = Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)).Order().ToList();
        var expected = Cases().Select(c => c.Data.Item1).Order().ToList();
        Assert.True(files.Count >= 25, $"only {files.Count} bad graphs");
        Assert.Equal(files, expected);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_reports_the_error_at_its_position_with_exit_code_2(string file, string expected)
    {
        Cli.Result r = Cli.Run(Folder, "validate", file);
        Assert.Equal(2, r.ExitCode);
        string[] lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal); // never a stack trace
        Assert.All(lines.SkipLast(1), l => Assert.StartsWith(file + ":", l, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_json_gives_the_same_errors_with_file_line_and_column(string file, string expected)
    {
        Cli.Result text = Cli.Run(Folder, "validate", file);
        Cli.Result r = Cli.Run(Folder, "validate", file, "--json");

        Assert.Equal(2, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.StdOut);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        string[] errors = doc.RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => $"{e.GetProperty("file").GetString()}:{e.GetProperty("line").GetInt32()}:{e.GetProperty("column").GetInt32()}: {e.GetProperty("message").GetString()}")
            .ToArray();
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.Equal(text.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipLast(1), errors); // the same list, in the same order
    }

    [Fact]
    public void An_offline_graph_that_never_ends_is_refused_by_run_and_valid_with_a_duration()
    {
        Cli.Result run = Cli.Run(Folder, TimeSpan.FromSeconds(30), "run", "endless-offline.yaml");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("endless-offline.yaml:2:40: this graph never ends", run.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Folder, "out", "endless.wav")), "run created the output of a graph it refused");

        Cli.Result validate = Cli.Run(Folder, "validate", "endless-offline.yaml", "--duration", "2");
        Assert.True(validate.ExitCode == 0, validate.StdErr);
    }

    [Fact]
    public void Run_refuses_an_invalid_graph_with_exit_code_2_before_starting_anything()
    {
        Cli.Result r = Cli.Run(Folder, "run", "unknown-node-type.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown-node-type.yaml:4:19: unknown node type 'gian'", r.StdErr, StringComparison.Ordinal);
    }
}
