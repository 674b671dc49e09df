using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Abstractions.Rings;

namespace SyfalaGraph.Engine.Tests.TestNodes;

public sealed record CounterParameters : NodeParameters
{
    [System.ComponentModel.DataAnnotations.Range(1, 8)]
    public int Channels { get; init; } = 1;

    public long? LengthFrames { get; init; }

    public override bool EndsByItself => LengthFrames is not null;

    public override void DeclarePorts(PortLayout ports) => ports.Output("out", ChannelCount.Fixed(Channels));
}

/// <summary>Outputs the frame time (channel c gets frameTime + c*1000): makes routing visible.</summary>
[NodeType("test.counter", typeof(CounterParameters))]
public sealed class CounterNode(CounterParameters p) : AudioNode, IFiniteSource
{
    private long _done;
    private volatile bool _ended;

    public bool HasEnded => _ended;

    public long? LengthFrames => p.LengthFrames;

    public override void Process(in ProcessContext context)
    {
        for (int c = 0; c < p.Channels; c++)
        {
            Span<float> o = context.Output(0, c);
            for (int f = 0; f < o.Length; f++)
            {
                o[f] = context.FrameTime + f + (c * 1000);
            }
        }

        _done += context.Frames;
        if (p.LengthFrames is long l && _done >= l && !_ended)
        {
            _ended = true;
            context.Events.Publish(NodeEventKind.EndOfStream, _done);
        }
    }
}

public sealed record PassParameters : NodeParameters
{
    public bool ThrowAtFrame { get; init; }

    public long FaultFrame { get; init; } = -1;

    /// <summary>Publishes one Failed event in the block that reaches this frame time (-1: never).</summary>
    public long FailFrame { get; init; } = -1;

    /// <summary>Allocates 100 floats in the blocks that start at these frame times (an allocating node, for the measurement's tests).</summary>
    public long[] AllocateAtFrames { get; init; } = [];

    /// <summary>Allocates 100 floats in every block from this frame time on (-1: never).</summary>
    public long AllocateFromFrame { get; init; } = -1;

    public override void DeclarePorts(PortLayout ports) =>
        ports.Input("in", ChannelCount.FromLinks).Output("out", ChannelCount.SameAs("in"));
}

/// <summary>Copies input to output; throws once the frame time reaches fault_frame, fails at fail_frame (when set); allocates where asked.</summary>
[NodeType("test.pass", typeof(PassParameters))]
public sealed class PassNode(PassParameters p) : AudioNode
{
    private bool _failed;

    public float[]? Allocated { get; private set; }

    public override void Process(in ProcessContext context)
    {
        if (p.FailFrame >= 0 && context.FrameTime + context.Frames > p.FailFrame && !_failed)
        {
            _failed = true;
            context.Events.Publish(NodeEventKind.Failed, p.FailFrame, context.FrameTime);
        }

        if (p.FaultFrame >= 0 && context.FrameTime >= p.FaultFrame)
        {
            throw new InvalidOperationException("test fault");
        }

        if ((p.AllocateFromFrame >= 0 && context.FrameTime >= p.AllocateFromFrame) || Array.IndexOf(p.AllocateAtFrames, context.FrameTime) >= 0)
        {
            Allocated = new float[100];
        }

        for (int c = 0; c < context.InputBuffer(0).Channels; c++)
        {
            context.Input(0, c).CopyTo(context.Output(0, c));
        }
    }
}

public sealed record CaptureParameters : NodeParameters
{
    [System.ComponentModel.DataAnnotations.Range(1, 8)]
    public int Channels { get; init; } = 1;

    public override void DeclarePorts(PortLayout ports) => ports.Input("in", ChannelCount.Fixed(Channels));
}

/// <summary>A sink that moves what it receives into an SPSC ring (interleaved), like a writer feeding its thread.</summary>
[NodeType("test.capture", typeof(CaptureParameters))]
public sealed class CaptureNode(CaptureParameters p) : AudioNode
{
    private RingProducer<float>? _producer;

    public RingConsumer<float>? Consumer { get; private set; }

    public override void Prepare(PrepareContext context)
    {
        (_producer, Consumer) = SpscRing.Create<float>(1 << 22);
    }

    public override void Process(in ProcessContext context) => _producer!.TryWriteFrames(context.InputBuffer(0), context.Frames);

    public float[] Drain()
    {
        var all = new float[Consumer!.AvailableToRead];
        Consumer.Read(all);
        return all;
    }

    public int Channels => p.Channels;
}

public sealed record LoopParameters : NodeParameters
{
    public override void DeclarePorts(PortLayout ports) =>
        ports.Input("in", ChannelCount.Fixed(1)).Output("out", ChannelCount.Fixed(1));
}

/// <summary>A decoupled node (like a device or network peer): outputs what it consumed in the previous block, plus one.</summary>
[NodeType("test.loop", typeof(LoopParameters))]
public sealed class LoopNode : AudioNode, IDecoupledNode
{
    private float[] _last = [];

    public override void Prepare(PrepareContext context) => _last = new float[context.MaxBlockFrames];

    public override void Process(in ProcessContext context)
    {
        Span<float> o = context.Output(0, 0);
        for (int f = 0; f < o.Length; f++)
        {
            o[f] = _last[f] + 1;
        }
    }

    public void ProcessSink(in ProcessContext context) => context.Input(0, 0).CopyTo(_last);
}
