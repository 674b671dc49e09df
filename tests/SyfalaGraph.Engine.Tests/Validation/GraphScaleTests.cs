using System.Globalization;
using System.Text;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Validation;
using SyfalaGraph.Engine.Yaml;

namespace SyfalaGraph.Engine.Tests.Validation;

/// <summary>
/// Large and deep graphs (issue 15, item 6): the results of validating them, not their timings (those are in
/// bench/README.md, <c>validate-scaling</c>). Each graph is a stereo <c>tone</c> feeding N <c>gain</c> nodes in a chain.
/// </summary>
public class GraphScaleTests
{
    /// <summary>
    /// The chain's YAML. <paramref name="reversed"/> writes nodes and links from the end of the chain back to the tone.
    /// <paramref name="header"/> replaces the settings line and may add nodes; <paramref name="toneClock"/> and
    /// <paramref name="lastClock"/> pin the tone and the last gain to a driver.
    /// </summary>
    private static string Chain(int n, bool reversed = false, string header = "settings: { clock: offline }\nnodes:\n",
        string? toneClock = null, string? lastClock = null, string extraLinks = "")
    {
        var sb = new StringBuilder(64 * n);
        sb.Append("version: 1\n").Append(header);
        for (int j = 0; j <= n; j++)
        {
            int i = reversed ? n - j : j;
            string? clock = i == 0 ? toneClock : i == n ? lastClock : null;
            string pin = clock is null ? "" : $", clock: {clock}";
            if (i == 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  tone: {{ type: tone{pin}, params: {{ frequency_hz: 440, amplitude: 0.5, channels: 2 }} }}\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"  g{i}: {{ type: gain{pin}, params: {{ gain_db: -0.1 }} }}\n");
            }
        }

        sb.Append("links:\n").Append(extraLinks);
        for (int j = 1; j <= n; j++)
        {
            int i = reversed ? n + 1 - j : j;
            sb.Append(CultureInfo.InvariantCulture, $"  - {(i == 1 ? "tone" : $"g{i - 1}")}.out -> g{i}.in\n");
        }

        return sb.ToString();
    }

    private static string Id(int i) => i == 0 ? "tone" : $"g{i}";

    private static void AssertChainResolved(ValidatedGraph g, int n)
    {
        Assert.Equal(n + 1, g.Nodes.Count);
        Assert.Equal(n, g.Links.Count);
        Assert.Equal(n + 1, g.Order.Count);
        // The schedule runs the chain from the tone to its end, whatever the file order.
        for (int step = 0; step <= n; step++)
        {
            Assert.Equal(Id(step), g.Nodes[g.Order[step].Node].Id);
        }

        // Every port is stereo: the tone's 2 channels carried through every gain, channel for channel.
        Assert.All(g.Nodes.Where(x => x.Id != "tone"), x => Assert.Equal(2, Assert.Single(x.Inputs).Channels));
        Assert.All(g.Nodes, x => Assert.Equal(2, Assert.Single(x.Outputs).Channels));
        Assert.All(g.Links, l => Assert.Equal([(0, 0), (1, 1)], l.Channels));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Chain_of_20k_nodes_and_20k_links_validates_into_one_domain_and_the_chain_order(bool reversed)
    {
        const int n = 20_000;
        ValidatedGraph g = TestGraphs.Load(Chain(n, reversed));
        AssertChainResolved(g, n);
        ClockDomain d = Assert.Single(g.Domains);
        Assert.Equal("offline", d.Name);
        Assert.Equal(n + 1, d.Nodes.Count);
        Assert.Equal(g.Order, d.Order);
        Assert.DoesNotContain(g.Links, g.IsBridged);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Chain_of_20k_nodes_follows_a_pinned_source_downstream_and_a_pinned_sink_upstream(bool reversed)
    {
        const int n = 20_000;
        const string drivers = """
            settings: { clock: a }
            nodes:
              a: { type: realtime.clock, params: { virtual_time: true } }
              b: { type: realtime.clock, params: { virtual_time: true } }

            """;

        // Tone pinned to b: everything downstream of it follows b; a (the main domain) holds only its driver.
        ValidatedGraph down = TestGraphs.Load(Chain(n, reversed, drivers, toneClock: "b"));
        Assert.Equal(["a", "b"], down.Domains.Select(d => d.Name));
        Assert.Equal(n + 2, down.Domains[1].Nodes.Count); // b, tone, g1 … g(n)
        Assert.Equal(n + 2, down.Domains[1].Order.Count);
        Assert.All(down.Nodes.Where(x => x.Id is not "a" and not "b"), x => Assert.Equal("b", down.DomainOf(x).Name));

        // Last gain pinned to b, tone free: nothing feeds the tone, so every node takes the domain of what it feeds.
        ValidatedGraph up = TestGraphs.Load(Chain(n, reversed, drivers, lastClock: "b"));
        Assert.All(up.Nodes.Where(x => x.Id is not "a" and not "b"), x => Assert.Equal("b", up.DomainOf(x).Name));

        // Tone pinned to a, last gain to b: downstream comes first, so only the last link crosses domains.
        ValidatedGraph both = TestGraphs.Load(Chain(n, reversed, drivers, toneClock: "a", lastClock: "b"));
        ResolvedLink bridged = Assert.Single(both.Links, both.IsBridged);
        Assert.Equal($"g{n - 1}.out -> g{n}.in", bridged.Definition.ToString());
        Assert.Equal(n + 1, both.Domains[0].Nodes.Count); // a, tone, g1 … g(n-1)
        Assert.Equal(2, both.Domains[1].Nodes.Count);     // b, g(n)
    }

    [Fact]
    public void Chain_of_100k_nodes_validates_on_a_256_KB_stack()
    {
        // Nothing recurses on the graph's depth: a recursion 100k deep would overflow far more than 256 KB.
        const int n = 100_000;
        string yaml = Chain(n, reversed: true);
        ValidatedGraph? g = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                g = TestGraphs.Load(yaml);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "validation did not finish within 2 minutes");
        Assert.Null(failure);
        AssertChainResolved(g!, n);
    }

    [Fact]
    public void Cycle_through_a_20k_node_chain_is_reported_with_every_node_on_it()
    {
        const int n = 20_000;
        IReadOnlyList<GraphError> errors = TestGraphs.Errors(Chain(n, extraLinks: $"  - g{n}.out -> g1.in\n"));
        GraphError e = Assert.Single(errors);
        Assert.StartsWith("cycle: g1 -> g2 -> ", e.Message, StringComparison.Ordinal);
        Assert.Contains($" -> g{n} -> g1; a graph must be acyclic", e.Message, StringComparison.Ordinal);
        Assert.Equal(n + 1, e.Message[..e.Message.IndexOf(';', StringComparison.Ordinal)].Split(" -> ").Length);
    }

    [Fact]
    public void Unknown_node_names_get_a_suggestion_in_the_first_errors_only()
    {
        const int n = 2_000;
        string typos = string.Concat(Enumerable.Range(1, n).Select(i => $"  - g{i}x.out -> g{i}.in\n"));
        IReadOnlyList<GraphError> errors = TestGraphs.Errors(Chain(n, extraLinks: typos));
        Assert.Equal(n, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("unknown node 'g", e.Message, StringComparison.Ordinal));
        Assert.All(errors.Take(GraphValidator.MaxNodeSuggestions), e => Assert.Contains("(did you mean 'g", e.Message, StringComparison.Ordinal));
        Assert.All(errors.Skip(GraphValidator.MaxNodeSuggestions), e => Assert.DoesNotContain("did you mean", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public void Yaml_nested_100k_deep_is_an_error_at_the_level_that_crosses_the_limit(string open, string close)
    {
        const int depth = 100_000;
        string text = string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth));
        GraphException ex = Assert.Throws<GraphException>(() => YamlTreeReader.Read(text, "deep.yaml"));
        GraphError e = Assert.Single(ex.Errors);
        Assert.Equal($"mappings and lists nested deeper than {YamlTreeReader.MaxDepth} levels; a graph file needs far fewer", e.Message);
        Assert.Equal(1, e.Position.Line);
    }

    [Fact]
    public void Yaml_nested_to_the_limit_is_read()
    {
        string text = string.Concat(Enumerable.Repeat("[", YamlTreeReader.MaxDepth)) + "x" + string.Concat(Enumerable.Repeat("]", YamlTreeReader.MaxDepth));
        YNode? node = YamlTreeReader.Read(text, "deep.yaml");
        int levels = 0;
        while (node is YSequence s)
        {
            levels++;
            node = Assert.Single(s.Items);
        }

        Assert.Equal(YamlTreeReader.MaxDepth, levels);
        Assert.Equal("x", Assert.IsType<YScalar>(node).Value);
    }
}
