using System.Numerics.Tensors;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Runtime;

/// <summary>
/// A running node and everything the cycle needs to run it without allocating: its buffers, how its inputs
/// are gathered from upstream outputs, its fault state and counters.
/// </summary>
public sealed class NodeSlot
{
    private readonly InputFeed[][] _feeds;
    private long _faults;
    private long _processTicks;

    internal NodeSlot(ResolvedNode node, AudioNode instance, AudioBuffer[] inputs, AudioBuffer[] outputs, InputFeed[][] feeds, NodeEventWriter events)
    {
        Node = node;
        Instance = instance;
        Inputs = inputs;
        Outputs = outputs;
        _feeds = feeds;
        Events = events;
        Decoupled = instance as IDecoupledNode;
        Finite = instance is IFiniteSource { IsFinite: true } finite ? finite : null;
    }

    /// <summary>The node as validated.</summary>
    public ResolvedNode Node { get; }

    /// <summary>The node id.</summary>
    public string Id => Node.Id;

    /// <summary>The running instance.</summary>
    public AudioNode Instance { get; }

    /// <summary>Number of exceptions caught from this node on the audio thread.</summary>
    public long Faults => Volatile.Read(ref _faults);

    /// <summary>True once the node faulted and was muted.</summary>
    public bool IsMuted => Faults > 0;

    /// <summary>The exception that muted the node, if any.</summary>
    public Exception? LastFault { get; private set; }

    /// <summary>Time spent in the node's Process/ProcessSink, in <see cref="System.Diagnostics.Stopwatch"/> ticks (when measured).</summary>
    public long ProcessTicks => Volatile.Read(ref _processTicks);

    internal AudioBuffer[] Inputs { get; }

    internal AudioBuffer[] Outputs { get; }

    internal NodeEventWriter Events { get; }

    internal IDecoupledNode? Decoupled { get; }

    internal IFiniteSource? Finite { get; }

    /// <summary>Sums the upstream channels into this node's own input buffers. Audio thread: yes.</summary>
    internal void GatherInputs(int frames)
    {
        for (int p = 0; p < _feeds.Length; p++)
        {
            InputFeed[] feeds = _feeds[p];
            if (feeds.Length == 0)
            {
                continue; // aliased to the upstream buffer, or unlinked (stays silent)
            }

            AudioBuffer dst = Inputs[p];
            dst.Clear(frames);
            for (int i = 0; i < feeds.Length; i++)
            {
                InputFeed f = feeds[i];
                Span<float> d = dst.GetChannel(f.DestinationChannel, frames);
                TensorPrimitives.Add(d, f.Source.GetChannel(f.SourceChannel, frames), d);
            }
        }
    }

    internal void SilenceOutputs(int frames)
    {
        for (int p = 0; p < Outputs.Length; p++)
        {
            Outputs[p].Clear(frames);
        }
    }

    internal void RecordFault(Exception ex, long frameTime)
    {
        LastFault = ex;
        long n = Interlocked.Increment(ref _faults);
        Events.Publish(NodeEventKind.Fault, n, frameTime);
    }

    /// <summary>Carries the fault state of the slot a kept instance ran in before a reload (a muted node stays muted).</summary>
    internal void InheritFaults(NodeSlot previous)
    {
        LastFault = previous.LastFault;
        Volatile.Write(ref _faults, previous.Faults);
    }

    internal void AddTicks(long ticks) => Volatile.Write(ref _processTicks, _processTicks + ticks);
}
