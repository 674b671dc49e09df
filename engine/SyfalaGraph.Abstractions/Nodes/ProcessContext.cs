using System.Runtime.CompilerServices;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;

namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>
/// What <see cref="AudioNode.Process"/> sees of one block: its input and output buffers (planar float,
/// one <see cref="AudioBuffer"/> per port in declaration order), the block length and the clock.
/// </summary>
public readonly ref struct ProcessContext
{
    private readonly ReadOnlySpan<AudioBuffer> _inputs;
    private readonly ReadOnlySpan<AudioBuffer> _outputs;

    /// <summary>Creates a context. The engine does this; tests and hosts that drive a node by hand may too.</summary>
    /// <param name="frames">Frames in this block, 1 ≤ frames ≤ the prepared maximum block size.</param>
    /// <param name="frameTime">Frames processed in this clock domain before this block.</param>
    /// <param name="sampleRate">The domain's sample rate in Hz.</param>
    /// <param name="inputs">One buffer per input port, in declaration order.</param>
    /// <param name="outputs">One buffer per output port, in declaration order.</param>
    /// <param name="events">The node's event writer.</param>
    /// <param name="offline">True when the graph runs on the offline clock.</param>
    public ProcessContext(int frames, long frameTime, double sampleRate, ReadOnlySpan<AudioBuffer> inputs,
        ReadOnlySpan<AudioBuffer> outputs, NodeEventWriter events, bool offline)
    {
        Frames = frames;
        FrameTime = frameTime;
        SampleRate = sampleRate;
        _inputs = inputs;
        _outputs = outputs;
        Events = events;
        Offline = offline;
    }

    /// <summary>Frames in this block.</summary>
    public int Frames { get; }

    /// <summary>Frames processed in this clock domain before this block (the block's start time).</summary>
    public long FrameTime { get; }

    /// <summary>The domain's sample rate in Hz.</summary>
    public double SampleRate { get; }

    /// <summary>
    /// True on the offline clock: nothing paces the graph, so a node fed by another thread (disk,
    /// network) may wait — with a bound — for its data instead of concealing an underflow.
    /// </summary>
    public bool Offline { get; }

    /// <summary>The node's event writer (lock-free, allocation-free).</summary>
    public NodeEventWriter Events { get; }

    /// <summary>Number of input ports.</summary>
    public int InputCount => _inputs.Length;

    /// <summary>Number of output ports.</summary>
    public int OutputCount => _outputs.Length;

    /// <summary>The buffer of input port <paramref name="port"/> (read only by contract).</summary>
    public AudioBuffer InputBuffer(int port) => _inputs[port];

    /// <summary>The buffer of output port <paramref name="port"/>.</summary>
    public AudioBuffer OutputBuffer(int port) => _outputs[port];

    /// <summary>The channel count of input port <paramref name="port"/>.</summary>
    public int InputChannels(int port) => _inputs[port].Channels;

    /// <summary>The channel count of output port <paramref name="port"/>.</summary>
    public int OutputChannels(int port) => _outputs[port].Channels;

    /// <summary>This block's samples of one input channel (<see cref="Frames"/> long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> Input(int port, int channel) => _inputs[port].GetChannel(channel, Frames);

    /// <summary>This block's samples of one output channel (<see cref="Frames"/> long), to be written in full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Output(int port, int channel) => _outputs[port].GetChannel(channel, Frames);
}
