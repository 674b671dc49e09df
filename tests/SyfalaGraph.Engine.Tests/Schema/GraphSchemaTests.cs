using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Parameters;
using SyfalaGraph.Engine.Schema;

namespace SyfalaGraph.Engine.Tests.Schema;

/// <summary>
/// The schema generator reads the reader's key lists and the binder's enum rule; these tests pin that link. The
/// schema itself is run against real graphs by a real validator in the end-to-end SchemaTests.
/// </summary>
public class GraphSchemaTests
{
    private static readonly JsonObject Built = GraphSchema.Build(TestGraphs.Registry());

    [Fact]
    public void Every_level_of_the_schema_allows_exactly_the_keys_the_reader_knows()
    {
        JsonObject top = Built["properties"]!.AsObject();
        Assert.Equal(GraphFileKeys.Names(GraphFileKeys.Top), top.Select(p => p.Key));

        JsonObject settings = NonNull(top["settings"]!);
        Assert.False(settings["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(GraphFileKeys.Names(GraphFileKeys.Settings), settings["properties"]!.AsObject().Select(p => p.Key));

        JsonObject node = NonNull(top["nodes"]!)["additionalProperties"]!.AsObject();
        Assert.Equal(GraphFileKeys.Names(GraphFileKeys.Node), node["propertyNames"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));

        JsonObject link = NonNull(top["links"]!)["items"]!["oneOf"]![1]!.AsObject();
        Assert.Equal(GraphFileKeys.Names(GraphFileKeys.Link), link["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Node_params_is_declared_once_per_node_type_never_beside_the_common_keys()
    {
        // Declared both in the common part and in each type's branch, an editor offers 'params' twice.
        JsonObject node = NonNull(Built["properties"]!["nodes"]!)["additionalProperties"]!.AsObject();
        Assert.Equal(new[] { "type", "clock" }, node["properties"]!.AsObject().Select(p => p.Key));
        JsonArray variants = node["allOf"]!.AsArray();
        Assert.Equal(TestGraphs.Registry().Types.Count + 1, variants.Count);
        Assert.All(variants, v => Assert.Contains("type", v!["if"]!["required"]!.AsArray().Select(r => r!.GetValue<string>())));
    }

    [Fact]
    public void A_graph_using_every_key_of_every_level_reads_without_an_unknown_key_error()
    {
        string yaml = """
            version: 1
            settings: { sample_rate: 48000, block_frames: 64, clock: card }
            nodes:
              card: { type: realtime.clock, params: { sample_rate: 44100 } }
              src: { type: test.counter, clock: card, params: { channels: 1 } }
              p: { type: test.pass }
            links:
              - { link: src.out -> p.in, latency_frames: 256, quality: high, jitter_buffer: adaptive }
            """;
        var errors = new List<GraphError>();
        Assert.NotNull(GraphFileParser.Parse(yaml, "g.yaml", "/tmp/g.yaml", errors));
        Assert.DoesNotContain(errors, e => e.Message.Contains("unknown", StringComparison.Ordinal));
        Assert.Equal(GraphFileKeys.Names(GraphFileKeys.Top), new[] { "version", "settings", "nodes", "links" });
        Assert.Equal(GraphFileKeys.Names(GraphFileKeys.Node), new[] { "type", "params", "clock" });
        Assert.Equal(GraphFileKeys.Names(GraphFileKeys.Link), new[] { "link", "latency_frames", "quality", "jitter_buffer" });
    }

    [Fact]
    public void Quality_names_follow_the_resampler_quality_enum()
    {
        Assert.Equal(Enum.GetNames<ResamplerQuality>().Select(SnakeCase.From), GraphFileKeys.QualityNames);
    }

    [Theory]
    [InlineData("pcm_24", true)]
    [InlineData("PCM_24", true)]
    [InlineData("pcm-24", true)]
    [InlineData("pcm24", true)]
    [InlineData("-Pcm__2-4_", true)]
    [InlineData("FLOAT", true)]
    [InlineData("pcm_25", false)]
    [InlineData("pcm_24x", false)]
    [InlineData("pcm 24", false)]
    [InlineData("pcm.24", false)]
    [InlineData("", false)]
    [InlineData("\u212Apcm24", false)] // KELVIN SIGN: not folded to 'k'; ASCII only, in both
    public void The_enum_pattern_accepts_what_the_loose_rule_accepts(string spelling, bool accepted)
    {
        string[] names = ["Pcm_16", "Pcm_24", "Float", "Double"];
        var regex = new Regex(SnakeCase.LoosePattern(names), RegexOptions.ECMAScript);
        Assert.Equal(accepted, names.Any(n => SnakeCase.Loose(n) == SnakeCase.Loose(spelling)));
        Assert.Equal(accepted, regex.IsMatch(spelling));
    }

    [Fact]
    public void The_enum_pattern_and_the_loose_rule_agree_on_200k_random_spellings()
    {
        string[] names = ["Pcm_16", "Pcm_24", "F32", "U8", "Sine", "Square"];
        var regex = new Regex(SnakeCase.LoosePattern(names), RegexOptions.ECMAScript);
        string[] loose = names.Select(SnakeCase.Loose).ToArray();
        const string alphabet = "pPcCmM_-12468fFuUsSiInNeEqQrRaA x";
        var rng = new Random(20);
        int matches = 0;
        for (int i = 0; i < 200_000; i++)
        {
            // Half the cases start from a real name with separators and case flipped, so both answers occur often.
            string s = i % 2 == 0 ? Mutate(names[rng.Next(names.Length)], rng) : Random(alphabet, rng);
            bool byRule = loose.Contains(SnakeCase.Loose(s));
            Assert.True(byRule == regex.IsMatch(s), $"'{s}': rule {byRule}, pattern {!byRule}");
            matches += byRule ? 1 : 0;
        }

        Assert.InRange(matches, 20_000, 180_000);
    }

    [Fact]
    public void An_enum_parameter_offers_its_canonical_names_and_takes_the_loose_spellings()
    {
        JsonObject node = NonNull(Built["properties"]!["nodes"]!)["additionalProperties"]!.AsObject();
        JsonNode tone = node["allOf"]!.AsArray().Single(v => v!["if"]!["properties"]!["type"]!["const"]?.GetValue<string>() == "tone")!;
        JsonObject waveform = NonNull(tone["then"]!["properties"]!["params"]!)["properties"]!["waveform"]!.AsObject();
        JsonArray any = waveform["anyOf"]!.AsArray();
        Assert.Equal(new[] { "sine", "square", "noise", "impulse" }, any[0]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(SnakeCase.LoosePattern(["Sine", "Square", "Noise", "Impulse"]), any[1]!["pattern"]!.GetValue<string>());
        Assert.Equal("sine", waveform["default"]!.GetValue<string>());
    }

    // The object branch of an { anyOf: [schema, { type: null }] } the generator writes where YAML may leave a key empty.
    private static JsonObject NonNull(JsonNode s) =>
        s["anyOf"] is JsonArray any ? any.Single(b => b!["type"]?.GetValue<string>() != "null")!.AsObject() : s.AsObject();

    private static string Mutate(string name, Random rng)
    {
        var sb = new System.Text.StringBuilder();
        foreach (char c in name)
        {
            while (rng.Next(4) == 0)
            {
                sb.Append(rng.Next(2) == 0 ? '_' : '-');
            }

            char x = rng.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            sb.Append(rng.Next(40) == 0 ? 'x' : x); // now and then a wrong letter
        }

        return rng.Next(20) == 0 ? sb.Append('4').ToString() : sb.ToString();
    }

    private static string Random(string alphabet, Random rng)
    {
        var chars = new char[rng.Next(1, 9)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[rng.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
