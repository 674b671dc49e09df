using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary><see cref="PortLayout"/> and <see cref="ChannelCount"/>.</summary>
public sealed class PortLayoutTests
{
    [Fact]
    public void Ports_keep_their_declaration_order_which_is_their_index()
    {
        PortLayout layout = new PortLayout()
            .Input("in", ChannelCount.FromLinks, "main")
            .Output("out", ChannelCount.SameAs("in"))
            .Input("side", ChannelCount.Fixed(1))
            .Output("meter", ChannelCount.Fixed(2))
            .Input("aux", ChannelCount.Fixed(4));

        Assert.Equal(["in", "side", "aux"], layout.Inputs.Select(p => p.Name));
        Assert.Equal(["out", "meter"], layout.Outputs.Select(p => p.Name));
        Assert.All(layout.Inputs, p => Assert.Equal(PortDirection.Input, p.Direction));
        Assert.All(layout.Outputs, p => Assert.Equal(PortDirection.Output, p.Direction));
        Assert.Equal("main", layout.Inputs[0].Description);
        Assert.Equal("in", layout.Outputs[0].Channels.SameAsInput);
        Assert.Equal(4, layout.Inputs[2].Channels.Count);
    }

    [Fact]
    public void A_duplicate_input_name_is_rejected()
    {
        var layout = new PortLayout().Input("in", ChannelCount.Fixed(1));
        Assert.Throws<ArgumentException>(() => layout.Input("in", ChannelCount.Fixed(2)));
        Assert.Single(layout.Inputs);
    }

    [Fact]
    public void A_name_shared_by_an_input_and_an_output_is_rejected_both_ways()
    {
        var layout = new PortLayout().Input("a", ChannelCount.Fixed(1)).Output("b", ChannelCount.Fixed(1));
        Assert.Throws<ArgumentException>(() => layout.Output("a", ChannelCount.Fixed(1)));
        Assert.Throws<ArgumentException>(() => layout.Input("b", ChannelCount.Fixed(1)));
        Assert.Throws<ArgumentException>(() => layout.Output("b", ChannelCount.Fixed(1)));
        Assert.Single(layout.Inputs);
        Assert.Single(layout.Outputs);
    }

    [Fact]
    public void An_output_cannot_take_its_channel_count_from_links()
    {
        var layout = new PortLayout();
        ArgumentException e = Assert.Throws<ArgumentException>(() => layout.Output("out", ChannelCount.FromLinks));
        Assert.Contains("out", e.Message, StringComparison.Ordinal);
        Assert.Empty(layout.Outputs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_fixed_channel_count_below_1_throws(int channels) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelCount.Fixed(channels));

    [Fact]
    public void Channel_counts_say_whether_they_are_inferred()
    {
        Assert.False(ChannelCount.Fixed(1).IsInferred);
        Assert.True(ChannelCount.FromLinks.IsInferred);
        Assert.Null(ChannelCount.FromLinks.SameAsInput);
        Assert.True(ChannelCount.SameAs("in").IsInferred);
        Assert.Equal("2", ChannelCount.Fixed(2).ToString());
        Assert.Equal("from links", ChannelCount.FromLinks.ToString());
        Assert.Equal("same as in", ChannelCount.SameAs("in").ToString());
    }
}
