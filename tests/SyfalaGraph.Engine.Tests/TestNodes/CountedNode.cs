using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Engine.Tests.TestNodes;

public sealed record CountedParameters : NodeParameters
{
    /// <summary>Any value; changing it makes the engine recreate the node (it takes nothing live).</summary>
    public int Tag { get; init; }

    public override void DeclarePorts(PortLayout ports) =>
        ports.Input("in", ChannelCount.FromLinks).Output("out", ChannelCount.SameAs("in"));
}

/// <summary>
/// A pass-through that counts its constructions and disposals in process-wide counters, so a test can check that
/// reloads leak no node (every instance built is disposed exactly once). Only <c>ReloadSoakTests</c> uses it:
/// the counters are static, so another test using <c>test.counted</c> in parallel would disturb them.
/// </summary>
[NodeType("test.counted", typeof(CountedParameters))]
public sealed class CountedNode : AudioNode
{
    private static long s_created;
    private static long s_disposed;
    private static long s_disposedTwice;
    private int _disposed;

    public CountedNode(CountedParameters p)
    {
        Tag = p.Tag;
        Interlocked.Increment(ref s_created);
    }

    /// <summary>Instances constructed so far.</summary>
    public static long Created => Interlocked.Read(ref s_created);

    /// <summary>Instances disposed so far (each counted once).</summary>
    public static long Disposed => Interlocked.Read(ref s_disposed);

    /// <summary>Dispose calls on an instance already disposed.</summary>
    public static long DisposedTwice => Interlocked.Read(ref s_disposedTwice);

    /// <summary>Constructed and not yet disposed.</summary>
    public static long Live => Created - Disposed;

    public int Tag { get; }

    public override void Process(in ProcessContext context)
    {
        for (int c = 0; c < context.InputBuffer(0).Channels; c++)
        {
            context.Input(0, c).CopyTo(context.Output(0, c));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Interlocked.Increment(ref s_disposed);
        }
        else
        {
            Interlocked.Increment(ref s_disposedTwice);
        }

        base.Dispose(disposing);
    }
}
