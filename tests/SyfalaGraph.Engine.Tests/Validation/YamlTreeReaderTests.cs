using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Yaml;

namespace SyfalaGraph.Engine.Tests.Validation;

/// <summary>Anchors, aliases and merge keys as CamillaDSP users write them, and YAML errors in our words (issue 20, item 4).</summary>
public class YamlTreeReaderTests
{
    [Fact]
    public void A_merge_key_adds_the_anchored_keys_under_the_written_ones_which_win()
    {
        YNode root = YamlTreeReader.Read("""
            base: &note { frequency_hz: 220, amplitude: 0.2 }
            other: &extra { duration_s: 1, amplitude: 0.9 }
            mid: { <<: [*note, *extra], frequency_hz: 330 }
            same: *note
            """, "g.yaml")!;

        YMapping mid = Assert.IsType<YMapping>(Value(root, "mid"));
        Assert.Equal(["frequency_hz=330", "amplitude=0.2", "duration_s=1"], mid.Entries.Select(e => $"{e.Key.Value}={((YScalar)e.Value).Value}"));
        Assert.Same(Value(root, "base"), Value(root, "same")); // an alias is the anchored value itself
        Assert.Equal(1, ((YScalar)mid.Entries[1].Value).Position.Line); // positions point at the anchored text
    }

    [Fact]
    public void A_merge_key_takes_only_mappings()
    {
        GraphException ex = Assert.Throws<GraphException>(() => YamlTreeReader.Read("a: &x [1, 2]\nb: { <<: *x }\n", "g.yaml"));
        Assert.Equal("g.yaml:1:8: a merge key (<<) takes a mapping or a list of mappings, such as <<: *defaults", Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void Aliases_that_multiply_are_refused_at_the_cap_and_deep_nesting_through_aliases_too()
    {
        string bomb = "l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
            $"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n"));
        GraphException laughs = Assert.Throws<GraphException>(() => YamlTreeReader.Read(bomb, "g.yaml"));
        Assert.Contains($"YAML aliases expand to more than {YamlTreeReader.MaxAliasExpansion} values here", Assert.Single(laughs.Errors).Message, StringComparison.Ordinal);

        // 40 levels, then an alias of it inside another 40: 80 levels in the tree that the binder walks.
        string deep = "a: &d " + new string('[', 40) + "1" + new string(']', 40) + "\nb: " + new string('[', 40) + "*d" + new string(']', 40) + "\n";
        GraphException nested = Assert.Throws<GraphException>(() => YamlTreeReader.Read(deep, "g.yaml"));
        Assert.Contains($"nested deeper than {YamlTreeReader.MaxDepth} levels through aliases", Assert.Single(nested.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: 1\nb:\n\tc: 2\n", "g.yaml:3:1: YAML syntax error: a tab is used for indentation on this line; YAML indents with spaces only")]
    [InlineData("a:\n  b: 1\n   c: 2\n", "g.yaml:3:1: YAML syntax error: this line is indented deeper than the key above it, so YAML reads it as the rest of that key's value: indent it like the keys above it")]
    [InlineData("a:\n  b: { x: 1 }\n   c: 2\n", "g.yaml:3:4: YAML syntax error: this line is not indented like the keys above it: the keys of one mapping start in the same column (count the spaces)")]
    [InlineData("a: b: c\n", "g.yaml:1:5: YAML syntax error: a ': ' inside a value starts a mapping where none can be: put the mapping on its own indented lines or in { }, or quote the value")]
    [InlineData("a: { b: 1 c: 2 }\n", "g.yaml:1:")]
    public void Yaml_errors_are_positioned_and_explained(string text, string expected)
    {
        GraphException ex = Assert.Throws<GraphException>(() => YamlTreeReader.Read(text, "g.yaml"));
        Assert.StartsWith(expected, Assert.Single(ex.Errors).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("While ", ex.Errors[0].Message, StringComparison.Ordinal); // YamlDotNet's own wording
    }

    private static YNode Value(YNode root, string key) => ((YMapping)root).Entries.Single(e => e.Key.Value == key).Value;
}
