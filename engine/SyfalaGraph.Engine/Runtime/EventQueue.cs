using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Events;

namespace SyfalaGraph.Engine.Runtime;

// Design: a bounded multi-producer / single-consumer queue (Dmitry Vyukov's bounded MPMC queue, used with
// one consumer). Every cell carries a sequence number. A producer claims position `pos` with a CAS on
// `_enqueue` when cell[pos & mask].Sequence == pos, writes the item, then publishes it with a release store
// of Sequence = pos + 1. The consumer reads a cell when Sequence == pos + 1 (acquire), copies the item and
// frees the cell for the next lap with Sequence = pos + capacity. Producers never wait on each other for
// longer than a CAS retry, nothing allocates, and a full queue fails fast (the event is counted as dropped).
// Several audio threads (one per clock domain) and service threads publish; one dispatcher thread drains.

/// <summary>The engine's lock-free, allocation-free event queue (many publishing threads, one dispatcher).</summary>
internal sealed class EventQueue : INodeEventSink
{
    private readonly Cell[] _cells;
    private readonly long _mask;
    private PaddedLong _enqueue;
    private PaddedLong _dequeue;
    private long _dropped;

    public EventQueue(int capacity)
    {
        capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _cells = new Cell[capacity];
        _mask = capacity - 1;
        for (int i = 0; i < capacity; i++)
        {
            _cells[i].Sequence = i;
        }
    }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    public bool TryPublish(in NodeEvent nodeEvent)
    {
        long pos = Volatile.Read(ref _enqueue.Value);
        while (true)
        {
            ref Cell cell = ref _cells[pos & _mask];
            long seq = Volatile.Read(ref cell.Sequence);
            long diff = seq - pos;
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueue.Value, pos + 1, pos) == pos)
                {
                    cell.Item = nodeEvent;
                    Volatile.Write(ref cell.Sequence, pos + 1);
                    return true;
                }

                pos = Volatile.Read(ref _enqueue.Value);
            }
            else if (diff < 0)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }
            else
            {
                pos = Volatile.Read(ref _enqueue.Value);
            }
        }
    }

    /// <summary>Takes the oldest event. Dispatcher thread only.</summary>
    public bool TryDequeue(out NodeEvent nodeEvent)
    {
        long pos = _dequeue.Value;
        ref Cell cell = ref _cells[pos & _mask];
        if (Volatile.Read(ref cell.Sequence) != pos + 1)
        {
            nodeEvent = default;
            return false;
        }

        nodeEvent = cell.Item;
        cell.Item = default;
        _dequeue.Value = pos + 1;
        Volatile.Write(ref cell.Sequence, pos + _cells.Length);
        return true;
    }

    private struct Cell
    {
        public long Sequence;
        public NodeEvent Item;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [FieldOffset(64)]
        public long Value;
    }
}
