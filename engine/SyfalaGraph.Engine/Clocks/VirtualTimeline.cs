using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Engine.Clocks;

// Design: a discrete-event simulation of several drivers. Each registered domain has a period in
// simulated nanoseconds (its block over its drifted rate); one thread repeatedly takes the domain with
// the earliest deadline, sets the simulated time to it, and runs one block. Bridges read the same
// simulated time (this is their TimeProvider), so their fill measurements are what they would be with
// perfectly regular threads. Hours of drift run in the time the blocks take to compute.

/// <summary>
/// Simulated time for <c>realtime.clock</c> drivers with <c>virtual_time: true</c>: runs every registered
/// domain in deadline order on one thread, as fast as the nodes allow, and tells the time (ns) to bridges.
/// </summary>
internal sealed class VirtualTimeline : TimeProvider
{
    private readonly List<Entry> _entries = [];
    private Thread? _thread;
    private volatile bool _stop;
    private long _now;

    /// <inheritdoc />
    public override long TimestampFrequency => 1_000_000_000;

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _now);

    /// <summary>Registers a domain before <see cref="Start"/>. Audio thread: no.</summary>
    public void Add(IGraphCycle cycle, int frames, double periodNanoseconds) =>
        _entries.Add(new Entry(cycle, frames, periodNanoseconds));

    /// <summary>Starts simulated time once every domain is registered. Audio thread: no.</summary>
    public void Start()
    {
        if (_thread is not null || _entries.Count == 0)
        {
            return;
        }

        Entry[] entries = [.. _entries];
        _thread = new Thread(() => Loop(entries)) { Name = "syfalagraph virtual time", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Stops simulated time; no block runs after this returns. Audio thread: no.</summary>
    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }

    private void Loop(Entry[] entries)
    {
        foreach (Entry e in entries)
        {
            e.Cycle.WarmUp();
        }

        // The simulation ends with the first domain that ends (the main one, normally): the others would only
        // run on without their peers.
        bool ended = false;
        while (!_stop && !ended)
        {
            Entry? next = null;
            foreach (Entry e in entries)
            {
                if (next is null || e.Deadline < next.Deadline)
                {
                    next = e;
                }
            }

            Volatile.Write(ref _now, (long)next!.Deadline);
            if (!next.Cycle.Run(next.Frames))
            {
                ended = true;
            }

            next.Deadline += next.Period;
        }
    }

    private sealed class Entry(IGraphCycle cycle, int frames, double period)
    {
        public IGraphCycle Cycle { get; } = cycle;

        public int Frames { get; } = frames;

        public double Period { get; } = period;

        public double Deadline { get; set; }
    }
}
