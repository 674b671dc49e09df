using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Jack.Tests;

/// <summary>Parameters of the test-only <c>test.stall</c> node.</summary>
public sealed record StallParameters : NodeParameters
{
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ports.Input("in", ChannelCount.FromLinks, "Signal.").Output("out", ChannelCount.SameAs("in"), "The signal unchanged.");
    }
}

/// <summary>
/// Test only: passes audio through, and while <see cref="StallsLeft"/> is positive sleeps <see cref="StallMilliseconds"/>
/// in Process — deliberately breaking the real-time contract to make the JACK server miss its deadline (an xrun).
/// </summary>
[NodeType("test.stall", typeof(StallParameters), Description = "Test only: copies in to out, sleeps on demand to provoke xruns.")]
public sealed class StallNode : AudioNode
{
    public static int StallMilliseconds { get; set; } = 50;

    public static int StallsLeft;

    public override void Process(in ProcessContext context)
    {
        if (Volatile.Read(ref StallsLeft) > 0 && Interlocked.Decrement(ref StallsLeft) >= 0)
        {
            Thread.Sleep(StallMilliseconds);
        }

        for (int c = 0; c < context.OutputBuffer(0).Channels; c++)
        {
            context.Input(0, c).CopyTo(context.Output(0, c));
        }
    }
}
