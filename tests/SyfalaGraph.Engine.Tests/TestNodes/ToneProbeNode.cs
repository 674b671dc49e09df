using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Engine.Tests.TestNodes;

public sealed record ToneProbeParameters : NodeParameters
{
    /// <summary>Frequency is measured from this many seconds of the probe's own frame time.</summary>
    public double MeasureFromS { get; init; }

    /// <summary>Samples kept at the end for THD+N.</summary>
    public int KeepFrames { get; init; } = 24000;

    public override void DeclarePorts(PortLayout ports) => ports.Input("in", ChannelCount.Fixed(1));
}

/// <summary>Measures a mono tone as it arrives: rising zero crossings (frequency) and the last samples (THD+N).</summary>
[NodeType("test.tone_probe", typeof(ToneProbeParameters))]
public sealed class ToneProbeNode(ToneProbeParameters p) : AudioNode
{
    private float[] _tail = [];
    private long _written;
    private long _measureFrom;
    private readonly RisingZeroCrossings _crossings = new();

    /// <summary>Tone frequency in cycles per sample of this node's domain, over the measured span.</summary>
    public double CyclesPerSample => _crossings.CyclesPerSample;

    /// <summary>Samples received.</summary>
    public long Frames => Volatile.Read(ref _written);

    public override void Prepare(PrepareContext context)
    {
        _tail = new float[p.KeepFrames];
        _measureFrom = (long)(p.MeasureFromS * context.SampleRate);
    }

    public override void Process(in ProcessContext context)
    {
        ReadOnlySpan<float> x = context.Input(0, 0);
        long t = context.FrameTime;
        for (int i = 0; i < x.Length; i++, t++)
        {
            _tail[(int)(t % _tail.Length)] = x[i];
            _crossings.Add(x[i], t, measure: t >= _measureFrom);
        }

        Volatile.Write(ref _written, t);
    }

    /// <summary>The last KeepFrames samples, oldest first.</summary>
    public float[] Tail()
    {
        var r = new float[_tail.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = _tail[(int)((_written + i) % _tail.Length)];
        }

        return r;
    }
}
