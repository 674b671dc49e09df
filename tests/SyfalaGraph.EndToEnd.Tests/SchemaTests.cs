using System.Text.Json;
using Json.Schema;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// <c>syfala-graph schema</c> checked with a real JSON Schema validator (JsonSchema.Net, draft 2020-12) against what
/// <c>syfala-graph validate</c> accepts: every example graph, the bad-graph corpus file by file, and graphs that use
/// the node <c>clock:</c> key, link options and every enum spelling the binder takes.
/// </summary>
public class SchemaTests
{
    /// <summary>What the schema says of a bad graph.</summary>
    public enum Verdict
    {
        /// <summary>The schema rejects it, at the instance location given (JSON pointer prefix).</summary>
        Rejected,

        /// <summary>The schema cannot know: node ids in links and clocks, ports, channels, cycles, cross-parameter checks, files, whether it ends.</summary>
        Accepted,

        /// <summary>Not JSON data: a YAML syntax error or a duplicate key, which an editor's YAML parser reports before any schema.</summary>
        NotJsonData,
    }

    /// <summary>Every file of the bad-graph corpus, with the schema's verdict (and where it rejects).</summary>
    private static readonly Dictionary<string, (Verdict Verdict, string Where)> Corpus = new(StringComparer.Ordinal)
    {
        ["bad-block-frames.yaml"] = (Verdict.Rejected, "/settings/block_frames"),
        ["bad-enum.yaml"] = (Verdict.Rejected, "/nodes/tone/params/waveform"),
        ["bad-link-syntax.yaml"] = (Verdict.Rejected, "/links/0"),
        ["bad-sample-rate.yaml"] = (Verdict.Rejected, "/settings/sample_rate"),
        ["bad-version.yaml"] = (Verdict.Rejected, "/version"),
        ["bool-expected.yaml"] = (Verdict.Rejected, "/nodes/file/params/loop"),
        ["integer-expected.yaml"] = (Verdict.Rejected, "/nodes/tone/params/channels"),
        ["invalid-node-id.yaml"] = (Verdict.Rejected, "/nodes"),
        ["list-expected.yaml"] = (Verdict.Rejected, "/nodes/mixer/params/gain_db"),
        ["missing-required.yaml"] = (Verdict.Rejected, "/nodes/out/params"),
        ["missing-type.yaml"] = (Verdict.Rejected, "/nodes/tone"),
        ["missing-version.yaml"] = (Verdict.Rejected, ""),
        ["node-not-mapping.yaml"] = (Verdict.Rejected, "/nodes/tone"),
        ["not-a-mapping.yaml"] = (Verdict.Rejected, ""),
        ["out-of-range.yaml"] = (Verdict.Rejected, "/nodes/louder/params/gain_db"),
        ["syfala-nested-enum.yaml"] = (Verdict.Rejected, "/nodes/server/params/inputs/0/sample_type"),
        ["unknown-node-key.yaml"] = (Verdict.Rejected, "/nodes/tone"),
        ["unknown-node-type.yaml"] = (Verdict.Rejected, "/nodes/louder/type"),
        ["unknown-param.yaml"] = (Verdict.Rejected, "/nodes/louder/params"),
        ["unknown-top-key.yaml"] = (Verdict.Rejected, ""),
        ["wrong-type-number.yaml"] = (Verdict.Rejected, "/nodes/tone/params/frequency_hz"),
        ["wrong-type-quoted.yaml"] = (Verdict.Rejected, "/nodes/tone/params/frequency_hz"),

        ["channel-mismatch.yaml"] = (Verdict.Accepted, ""),
        ["channel-out-of-range.yaml"] = (Verdict.Accepted, ""),
        ["clock-not-a-driver.yaml"] = (Verdict.Accepted, ""),
        ["cross-parameter-check.yaml"] = (Verdict.Accepted, ""),
        ["cycle-with-downstream-node.yaml"] = (Verdict.Accepted, ""),
        ["cycle.yaml"] = (Verdict.Accepted, ""),
        ["endless-default-clock.yaml"] = (Verdict.Accepted, ""),
        ["endless-offline.yaml"] = (Verdict.Accepted, ""),
        ["missing-file.yaml"] = (Verdict.Accepted, ""),
        ["syfala-cross-check.yaml"] = (Verdict.Accepted, ""),
        ["unknown-link-node.yaml"] = (Verdict.Accepted, ""),
        ["unknown-port.yaml"] = (Verdict.Accepted, ""),
        ["unlinked-input.yaml"] = (Verdict.Accepted, ""),
        ["writer-not-writable.yaml"] = (Verdict.Accepted, ""),
        ["wrong-direction.yaml"] = (Verdict.Accepted, ""),
        ["writer-opus-rate.yaml"] = (Verdict.Accepted, ""), // a format/rate combination libsndfile refuses

        ["duplicate-node-id.yaml"] = (Verdict.NotJsonData, ""),
        ["duplicate-param.yaml"] = (Verdict.NotJsonData, ""),
        ["duplicate-top-key.yaml"] = (Verdict.NotJsonData, ""),
        ["yaml-alias.yaml"] = (Verdict.NotJsonData, ""), // an alias of no anchor
        ["yaml-alias-bomb.yaml"] = (Verdict.NotJsonData, ""), // aliases that multiply: editors' parsers cap them too
        ["yaml-indentation.yaml"] = (Verdict.NotJsonData, ""),
        ["yaml-syntax.yaml"] = (Verdict.NotJsonData, ""),
        ["yaml-tab.yaml"] = (Verdict.NotJsonData, ""),
    };

    private static readonly string BadGraphs = Path.Combine(AppContext.BaseDirectory, "BadGraphs");

    private static readonly Lazy<(string Text, JsonSchema Schema)> Printed = new(() =>
    {
        Cli.Result r = Cli.Run(RepoPaths.Graphs, "schema");
        Assert.True(r.ExitCode == 0, r.StdErr);
        return (r.StdOut, JsonSchema.FromText(r.StdOut));
    });

    public static TheoryData<string> ExampleGraphs() =>
        new(Directory.GetFiles(RepoPaths.Graphs, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    public static TheoryData<string> CorpusFiles() => new(Corpus.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void The_printed_schema_is_a_valid_draft_2020_12_schema()
    {
        using JsonDocument doc = JsonDocument.Parse(Printed.Value.Text);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", doc.RootElement.GetProperty("$schema").GetString());
        EvaluationResults meta = MetaSchemas.Draft202012.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(meta.IsValid, Describe(meta));
    }

    [Theory]
    [MemberData(nameof(ExampleGraphs))]
    public void Every_graph_in_graphs_validates_against_the_schema(string graph)
    {
        EvaluationResults r = Evaluate(File.ReadAllText(Path.Combine(RepoPaths.Graphs, graph)));
        Assert.True(r.IsValid, $"{graph}: {Describe(r)}");
    }

    [Fact]
    public void The_corpus_table_names_every_bad_graph()
    {
        var files = Directory.GetFiles(BadGraphs, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Corpus.Keys.Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void The_schema_rejects_a_bad_graph_exactly_when_it_can_know(string file)
    {
        (Verdict verdict, string where) = Corpus[file];
        string text = File.ReadAllText(Path.Combine(BadGraphs, file));
        if (verdict == Verdict.NotJsonData)
        {
            Assert.ThrowsAny<Exception>(() => YamlAsJson.Read(text));
            return;
        }

        EvaluationResults r = Evaluate(text);
        if (verdict == Verdict.Accepted)
        {
            Assert.True(r.IsValid, $"{file} is a graph only validate can refuse, but the schema rejects it: {Describe(r)}");
            return;
        }

        Assert.False(r.IsValid, $"{file} must be rejected by the schema");
        Assert.Contains(Failures(r), f => f.Location.StartsWith(where, StringComparison.Ordinal));
    }

    // A graph with a node-level clock:, every link option, and the writer's subtype in one spelling.
    private const string Template = """
        # yaml-language-server: $schema=syfala-graph.schema.json
        version: 1
        settings: { sample_rate: 48000, block_frames: 64, clock: card_a }
        nodes:
          card_a: { type: realtime.clock, params: { drift_ppm: 100 } }
          card_b: { type: realtime.clock, params: { sample_rate: 44100 } }
          beep: { type: tone, clock: card_a, params: { frequency_hz: 440, amplitude: 0.25, duration_s: 0.1 } }
          rec: { type: file.writer, clock: card_b, params: { path: out.wav, subtype: SUBTYPE } }
        links:
          - { link: beep.out -> rec.in, latency_frames: 512, quality: high, jitter_buffer: adaptive }
        """;

    public static TheoryData<string, string> AcceptedByBoth() => new()
    {
        { "subtype", "pcm_24" },
        { "subtype", "PCM_24" },
        { "subtype", "pcm-24" },
        { "subtype", "pcm24" },
        { "subtype", "Pcm_24" },
        { "subtype", "\"FLOAT\"" },
        { "quality", "low" },
        { "jitter_buffer", "fixed" },
        { "node clock", "card_b" },
        { "string param", "7" }, // any scalar binds to a string: the path "7"
        { "frequency_hz", "4.4e2" },
        { "frequency_hz", "0x1B8" }, // YAML 1.2 integers are numbers, in hex too
        { "latency_frames", "0o400" },
    };

    [Theory]
    [MemberData(nameof(AcceptedByBoth))]
    public void A_graph_validate_accepts_the_schema_accepts(string what, string value)
    {
        string yaml = Variant(what, value);
        (Cli.Result validate, EvaluationResults schema) = Both(yaml);
        Assert.True(validate.ExitCode == 0, $"validate refused {what} = {value}: {validate.StdErr}");
        Assert.True(schema.IsValid, $"the schema refused {what} = {value}: {Describe(schema)}");
    }

    public static TheoryData<string, string> RejectedByBoth() => new()
    {
        { "subtype", "pcm_25" },
        { "subtype", "pcm_24x" },
        { "frequency_hz", "loud" },
        { "frequency_hz", "\"440\"" },
        { "duration_s", "[1, 2]" },
        { "drift_ppm", "true" },
        { "quality", "best" },
        { "jitter_buffer", "elastic" },
        { "latency_frames", "0" },
        { "latency_frames", "1.5" },
        { "node key", "clok" },
        { "node clock", "card.b" },
        { "block_frames", "9000" },
        { "block_frames", "1_024" }, // YAML 1.1's digit groups make a string in YAML 1.2
        { "frequency_hz", "Infinity" },
    };

    [Theory]
    [MemberData(nameof(RejectedByBoth))]
    public void A_graph_validate_refuses_for_a_type_key_or_range_error_the_schema_refuses(string what, string value)
    {
        string yaml = Variant(what, value);
        (Cli.Result validate, EvaluationResults schema) = Both(yaml);
        Assert.True(validate.ExitCode == 2, $"validate accepted {what} = {value}: {validate.StdOut}{validate.StdErr}");
        Assert.False(schema.IsValid, $"the schema accepted {what} = {value}, which validate refuses: {validate.StdErr}");
    }

    [Fact]
    public void Schema_write_puts_the_schema_beside_the_graphs_and_says_where()
    {
        string dir = RepoPaths.NewTempDir("sg-schema");
        try
        {
            Cli.Result r = Cli.Run(dir, "schema", "--write", "graphs-here");
            Assert.Equal(2, r.ExitCode); // no such folder
            Assert.Contains("no such folder", r.StdErr, StringComparison.Ordinal);

            Directory.CreateDirectory(Path.Combine(dir, "graphs-here"));
            r = Cli.Run(dir, "schema", "--write", "graphs-here");
            Assert.True(r.ExitCode == 0, r.StdErr);
            string path = Path.Combine(dir, "graphs-here", "syfala-graph.schema.json");
            Assert.Contains($"wrote {path}", r.StdOut, StringComparison.Ordinal);
            Assert.Contains("# yaml-language-server: $schema=syfala-graph.schema.json", r.StdOut, StringComparison.Ordinal);
            Assert.Equal(Printed.Value.Text.TrimEnd(), File.ReadAllText(path).TrimEnd());

            r = Cli.Run(dir, "schema", "--write");
            Assert.True(r.ExitCode == 0, r.StdErr);
            Assert.Equal(Printed.Value.Text.TrimEnd(), File.ReadAllText(Path.Combine(dir, "syfala-graph.schema.json")).TrimEnd());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Variant(string what, string value) => what switch
    {
        "subtype" => Template.Replace("SUBTYPE", value, StringComparison.Ordinal),
        "node clock" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("clock: card_b", "clock: " + value, StringComparison.Ordinal),
        "node key" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("rec: { type: file.writer, clock:", $"rec: {{ type: file.writer, {value}:", StringComparison.Ordinal),
        "string param" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("path: out.wav", $"path: {value}, format: wav", StringComparison.Ordinal),
        "frequency_hz" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("frequency_hz: 440", "frequency_hz: " + value, StringComparison.Ordinal),
        "duration_s" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("duration_s: 0.1", "duration_s: " + value, StringComparison.Ordinal),
        "drift_ppm" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("drift_ppm: 100", "drift_ppm: " + value, StringComparison.Ordinal),
        "quality" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("quality: high", "quality: " + value, StringComparison.Ordinal),
        "jitter_buffer" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("jitter_buffer: adaptive", "jitter_buffer: " + value, StringComparison.Ordinal),
        "latency_frames" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("latency_frames: 512", "latency_frames: " + value, StringComparison.Ordinal),
        "block_frames" => Template.Replace("SUBTYPE", "pcm_16", StringComparison.Ordinal).Replace("block_frames: 64", "block_frames: " + value, StringComparison.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(what), what, null),
    };

    private static (Cli.Result Validate, EvaluationResults Schema) Both(string yaml)
    {
        string dir = RepoPaths.NewTempDir("sg-schema");
        try
        {
            File.WriteAllText(Path.Combine(dir, "g.yaml"), yaml);
            return (Cli.Run(dir, "validate", "g.yaml"), Evaluate(yaml));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static EvaluationResults Evaluate(string yaml) =>
        Printed.Value.Schema.Evaluate(YamlAsJson.Read(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static IEnumerable<(string Location, string Message)> Failures(EvaluationResults r) =>
        (r.Details ?? []).Prepend(r)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => (d.InstanceLocation.ToString().TrimStart('#'), $"{e.Key}: {e.Value}")));

    private static string Describe(EvaluationResults r) =>
        string.Join("; ", Failures(r).Take(8).Select(f => $"{(f.Location.Length == 0 ? "/" : f.Location)} {f.Message}"));
}
