using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Commands;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary>What lets a node be written in three types, and the command values a handler reads.</summary>
public class MinimalNodeContractTests
{
    [Fact]
    public void Default_ports_are_in_from_links_and_out_the_same_as_in()
    {
        var layout = new PortLayout();
        new NoParameters().DeclarePorts(layout);
        PortDeclaration input = Assert.Single(layout.Inputs);
        PortDeclaration output = Assert.Single(layout.Outputs);
        Assert.Equal(("in", ChannelCount.FromLinks), (input.Name, input.Channels));
        Assert.Equal(("out", ChannelCount.SameAs("in")), (output.Name, output.Channels));
    }

    [Fact]
    public void A_node_type_named_without_a_parameters_type_takes_no_parameters()
    {
        var attribute = new NodeTypeAttribute("example.half");
        Assert.Equal(typeof(NoParameters), attribute.ParametersType);
        Assert.Equal("example.half", attribute.Name);
    }

    [Fact]
    public void Process_context_gives_channel_counts_and_spans_without_naming_buffers()
    {
        AudioBuffer[] inputs = [new AudioBuffer(2, 8)];
        AudioBuffer[] outputs = [new AudioBuffer(3, 8)];
        var context = new ProcessContext(4, 0, 48000, inputs, outputs, NodeEventWriter.Null, offline: true);
        Assert.Equal(2, context.InputChannels(0));
        Assert.Equal(3, context.OutputChannels(0));
        Assert.Equal(4, context.Output(0, 2).Length);
    }

    [Fact]
    public void A_command_invocation_reads_parsed_values_and_falls_back_to_defaults()
    {
        var timeout = new CommandOption("--timeout", typeof(double)) { DefaultValue = 2.0 };
        var server = new CommandArgument("server", typeof(string));
        var given = new CommandInvocation(new Dictionary<string, object?> { ["--timeout"] = 0.5, ["server"] = "h:1" },
            TextWriter.Null, TextWriter.Null, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(0.5, given.GetValue<double>(timeout));
        Assert.Equal("h:1", given.GetValue<string>(server));
        var absent = new CommandInvocation(new Dictionary<string, object?>(), TextWriter.Null, TextWriter.Null, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(2.0, absent.GetValue<double>(timeout));
        Assert.Null(absent.GetValue<string>(server));
    }
}
