using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Tests.Validation;

public class GraphValidatorTests
{
    [Fact]
    public void Inferred_input_takes_the_channel_count_of_its_link_and_output_follows()
    {
        ValidatedGraph g = TestGraphs.Load("""
            version: 1
            nodes:
              src: { type: test.counter, params: { channels: 3 } }
              p:   { type: test.pass }
            links:
              - src.out -> p.in
            """);
        Assert.Equal(3, g.Find("p")!.Inputs[0].Channels);
        Assert.Equal(3, g.Find("p")!.Outputs[0].Channels);
    }

    [Fact]
    public void Picked_channels_make_an_inferred_input_as_wide_as_the_highest_index()
    {
        ValidatedGraph g = TestGraphs.Load("""
            version: 1
            nodes:
              src: { type: test.counter, params: { channels: 2 } }
              p:   { type: test.pass }
            links:
              - src.out[1] -> p.in[0]
              - src.out[0] -> p.in[3]
            """);
        Assert.Equal(4, g.Find("p")!.Inputs[0].Channels);
        Assert.Equal([(1, 0)], g.Links[0].Channels);
        Assert.Equal([(0, 3)], g.Links[1].Channels);
    }

    [Fact]
    public void Decoupled_node_may_feed_its_own_input_and_its_sink_runs_last()
    {
        ValidatedGraph g = TestGraphs.Load("""
            version: 1
            nodes:
              loop: { type: test.loop }
              p:    { type: test.pass }
            links:
              - loop.out -> p.in
              - p.out -> loop.in
            """);
        Assert.Equal([new ScheduleEntry(0, false), new ScheduleEntry(1, false), new ScheduleEntry(0, true)], g.Order);
    }

    [Theory]
    [InlineData("\"-6\"", "gain_db: expected number, got the string \"-6\" (remove the quotes)")]
    [InlineData("\"1k\"", "gain_db: expected number, got the string \"1k\"")]
    public void A_quoted_number_is_told_to_lose_its_quotes_only_when_it_is_a_number_without_them(string value, string expected)
    {
        GraphError e = Assert.Single(TestGraphs.Errors($$"""
            version: 1
            nodes:
              src: { type: test.counter }
              g:   { type: gain, params: { gain_db: {{value}} } }
            links:
              - src.out -> g.in
            """));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Cycle_is_reported_with_the_nodes_on_it()
    {
        IReadOnlyList<GraphError> errors = TestGraphs.Errors("""
            version: 1
            nodes:
              src: { type: test.counter }
              a:   { type: gain }
              b:   { type: gain }
            links:
              - src.out -> a.in
              - a.out -> b.in
              - b.out -> a.in
            """);
        GraphError e = Assert.Single(errors);
        Assert.Contains("cycle: a -> b -> a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_errors_of_a_file_are_reported_at_once_in_file_order()
    {
        IReadOnlyList<GraphError> errors = TestGraphs.Errors("""
            version: 1
            nodes:
              a: { type: gian }
              b: { type: gain, params: { gain_db: 500 } }
              c: { type: test.counter, params: { chanels: 2 } }
            """);
        Assert.Equal(3, errors.Count);
        Assert.Equal((3, 14), (errors[0].Position.Line, errors[0].Position.Column));
        Assert.Contains("did you mean 'gain'", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(4, errors[1].Position.Line);
        Assert.Contains("gain_db must be between -120 and 40 dB (got 500)", errors[1].Message, StringComparison.Ordinal);
        Assert.Equal(5, errors[2].Position.Line);
        Assert.Contains("unknown parameter 'chanels' (did you mean 'channels'?)", errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Link_errors_point_at_the_token_inside_the_link()
    {
        IReadOnlyList<GraphError> errors = TestGraphs.Errors("""
            version: 1
            nodes:
              src: { type: test.counter }
              g:   { type: gain }
            links:
              - src.out -> g.inn
            """);
        GraphError e = Assert.Single(errors);
        Assert.Equal((6, 18), (e.Position.Line, e.Position.Column));
        Assert.Contains("has no input port 'inn' (did you mean 'in'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Params_fingerprint_ignores_formatting_and_key_order()
    {
        ValidatedGraph a = TestGraphs.Load("version: 1\nnodes:\n  g: { type: test.counter, params: { channels: 2, length_frames: 10 } }\n");
        ValidatedGraph b = TestGraphs.Load("version: 1\nnodes:\n  g:\n    type: test.counter\n    params:\n      length_frames: 10\n      channels: 2\n");
        Assert.Equal(a.Nodes[0].Definition.ParamsFingerprint, b.Nodes[0].Definition.ParamsFingerprint);
    }
}
