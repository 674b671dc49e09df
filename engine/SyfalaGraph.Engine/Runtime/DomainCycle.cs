using System.Diagnostics;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Engine.Clocks;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Runtime;

// Design: the cycle is what a driver calls once per period from its real-time thread. It reads the
// current Schedule with one acquire load (so a schedule published by a reload is taken whole at a block
// boundary), reads the bridges coming from other clock domains into their buffers, runs each step
// (gather inputs: sum of upstream channels, aliased single links cost nothing; call the node inside
// try/catch: an exception mutes that node only), writes the bridges going to other domains, and accounts
// time.
// The domain ends by itself when every finite source of its current schedule has ended, if it started with one
// (its first schedule had one). One that started without (endless tones, looping files, devices, peers only) runs
// until its duration or a stop: a finite source a reload adds to it plays, ends and falls silent without ending the
// graph, as a user expects of a beep added to a live graph.
// Nothing here allocates, locks or blocks; counters are plain fields written by this thread alone and
// read by others with Volatile.Read.

/// <summary>Runs one clock domain of the graph, one block per <see cref="Run"/>.</summary>
internal sealed class DomainCycle : IGraphCycle
{
    /// <summary>Blocks after which the audio thread counts as warmed up (allocation is measured from then on).</summary>
    public const int WarmUpBlocks = 64;

    private readonly double _sampleRate;
    private readonly int _maxBlockFrames;
    private readonly bool _offline;
    private readonly long _maxFrames;
    private readonly bool _measureNodes;
    private readonly bool _endsWithSources;
    private Schedule _schedule;
    private volatile bool _stopRequested;
    private long _frameTime;
    private long _cycles;
    private long _xruns;
    private long _lateBlocks;
    private long _lastTicks;
    private long _maxTicks;
    private long _overPeriod;
    private long _totalTicks;
    private long _allocatedAtWarmUp = -1;
    private long _allocatedLast;
    private long _allocatedOnEarlierThreads;
    private long _allocatedAcrossCollections;
    private int _collections;
    private long _allocatingBlocks;
    private long _firstAllocationBytes;
    private long _firstAllocationCycle;
    private long _warmUpAt = WarmUpBlocks;
    private int _threadId;
    private int _ended;

    public DomainCycle(Schedule schedule, double sampleRate, int maxBlockFrames, bool offline, long maxFrames, bool measureNodes, VirtualTimeline? timeline = null)
    {
        Timeline = timeline;
        _schedule = schedule;
        _sampleRate = sampleRate;
        _maxBlockFrames = maxBlockFrames;
        _offline = offline;
        _maxFrames = maxFrames <= 0 ? long.MaxValue : maxFrames;
        _measureNodes = measureNodes;
        _endsWithSources = schedule.FiniteSources.Length > 0;
    }

    /// <summary>
    /// Completes once the cycle has ended: the finite sources of its current schedule all ended (only when the schedule
    /// it was created with had one: a reload never gives an end to a domain that started without), the duration was
    /// reached, or a stop was requested.
    /// </summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long FrameTime => Volatile.Read(ref _frameTime);

    public long Cycles => Volatile.Read(ref _cycles);

    public long Xruns => Volatile.Read(ref _xruns);

    /// <summary>Blocks its driver ran a period or more late, catching up after a late wake-up (not dropped).</summary>
    public long LateBlocks => Volatile.Read(ref _lateBlocks);

    public long LastCycleTicks => Volatile.Read(ref _lastTicks);

    public long MaxCycleTicks => Volatile.Read(ref _maxTicks);

    /// <summary>
    /// Blocks after warm-up whose processing took longer than their own duration (frames / sample rate). One such block
    /// is not an xrun: the next block's slack absorbs it; a driver reports an xrun only when it misses its deadline.
    /// </summary>
    public long BlocksOverPeriod => Volatile.Read(ref _overPeriod);

    /// <summary>Processing time of the blocks after warm-up, in Stopwatch ticks.</summary>
    public long TotalCycleTicks => Volatile.Read(ref _totalTicks);

    /// <summary>
    /// Bytes the audio thread allocated after warm-up (-1 before warm-up). When the driver moves to a new thread, the
    /// old thread's figure is kept and the new thread is measured after its own warm-up. A block during which a garbage
    /// collection ran (started by another thread) is left out: <see cref="GC.GetAllocatedBytesForCurrentThread"/> is
    /// known to jump across collections (dotnet/coreclr#10207). That is a precaution, not a proven fix: full suite runs
    /// measured single blocks of 440 B to 8 KB that no isolated run reproduces, and forced or induced collections do not
    /// make .NET 10's counter jump. <see cref="AllocatingBlocks"/> tells such a one-off from a steady-state allocation.
    /// </summary>
    public long AllocatedSinceWarmUp
    {
        get
        {
            long start = Volatile.Read(ref _allocatedAtWarmUp);
            long earlier = Volatile.Read(ref _allocatedOnEarlierThreads);
            long across = Volatile.Read(ref _allocatedAcrossCollections);
            return start < 0 ? (earlier > 0 ? earlier - across : -1) : earlier + Volatile.Read(ref _allocatedLast) - start - across;
        }
    }

    /// <summary>
    /// Blocks after warm-up that allocated (counted in <see cref="AllocatedSinceWarmUp"/>). A steady-state allocation
    /// shows in many blocks; a one-off (a lazy initialisation, or the counter's own jumps) in one.
    /// </summary>
    public long AllocatingBlocks => Volatile.Read(ref _allocatingBlocks);

    /// <summary>The first allocating block after warm-up: its number (see <see cref="Cycles"/>) and its bytes; (0, 0) when none.</summary>
    public (long Cycle, long Bytes) FirstAllocation => (Volatile.Read(ref _firstAllocationCycle), Volatile.Read(ref _firstAllocationBytes));

    public Schedule Schedule => Volatile.Read(ref _schedule);

    /// <summary>The simulated timeline this domain runs on, when its driver is in virtual time.</summary>
    public VirtualTimeline? Timeline { get; }

    /// <summary>The largest block, in frames.</summary>
    public int MaxBlockFrames => _maxBlockFrames;

    /// <summary>The domain's nominal sample rate, Hz.</summary>
    public double SampleRate => _sampleRate;

    /// <summary>Publishes a new schedule; the audio thread takes it at its next block. Audio thread: no.</summary>
    public void Publish(Schedule schedule) => Volatile.Write(ref _schedule, schedule);

    public void RequestStop() => _stopRequested = true;

    /// <summary>Ends the run from another thread (a node reported <c>Failed</c>): no block starts after this and <see cref="Ended"/> completes.</summary>
    public void EndEarly()
    {
        RequestStop();
        End();
    }

    public void WarmUp()
    {
        // Touch what the first period needs so JIT and thread statics are not paid in it.
        _ = Stopwatch.GetTimestamp();
        _ = GC.GetAllocatedBytesForCurrentThread();
        _ = Volatile.Read(ref _schedule);
    }

    public void ReportXrun() => Volatile.Write(ref _xruns, _xruns + 1);

    public void ReportLateBlock() => Volatile.Write(ref _lateBlocks, _lateBlocks + 1);

    public bool Run(int frames)
    {
        if (_stopRequested || _ended != 0)
        {
            End();
            return false;
        }

        long start = Stopwatch.GetTimestamp();
        frames = (int)Math.Min(Math.Min(frames, _maxBlockFrames), _maxFrames - _frameTime);
        Schedule schedule = Volatile.Read(ref _schedule);
        NodeSlot[] slots = schedule.Slots;
        ScheduleEntry[] steps = schedule.Steps;
        BridgeEndpoint[] reads = schedule.Reads;
        for (int i = 0; i < reads.Length; i++)
        {
            reads[i].Bridge.Read(reads[i].Buffer, frames);
        }

        for (int i = 0; i < steps.Length; i++)
        {
            NodeSlot slot = slots[steps[i].Node];
            long t0 = _measureNodes ? Stopwatch.GetTimestamp() : 0;
            if (steps[i].IsSink)
            {
                RunSink(slot, frames);
            }
            else
            {
                RunProcess(slot, frames);
            }

            if (_measureNodes)
            {
                slot.AddTicks(Stopwatch.GetTimestamp() - t0);
            }
        }

        BridgeEndpoint[] writes = schedule.Writes;
        for (int i = 0; i < writes.Length; i++)
        {
            writes[i].Bridge.Write(writes[i].Buffer, frames);
        }

        long frameTime = _frameTime + frames;
        Volatile.Write(ref _frameTime, frameTime);
        long cycles = _cycles + 1;
        Volatile.Write(ref _cycles, cycles);
        long ticks = Stopwatch.GetTimestamp() - start;
        Volatile.Write(ref _lastTicks, ticks);
        if (cycles > WarmUpBlocks)
        {
            // Mean and max both leave out the warm-up blocks (first touches, JIT): they describe the steady state.
            Volatile.Write(ref _totalTicks, _totalTicks + ticks);
            if (ticks > _maxTicks)
            {
                Volatile.Write(ref _maxTicks, ticks);
            }

            if (ticks * _sampleRate > frames * (double)Stopwatch.Frequency)
            {
                Volatile.Write(ref _overPeriod, _overPeriod + 1);
            }
        }

        // The counter and the collection count are read as a pair that no collection separates: one that ran between
        // the two readings would put its jump in a block that is not left out.
        int collections;
        long allocated;
        do
        {
            collections = GC.CollectionCount(0);
            allocated = GC.GetAllocatedBytesForCurrentThread();
        }
        while (collections != GC.CollectionCount(0));

        int thread = Environment.CurrentManagedThreadId;
        if (thread != _threadId)
        {
            // A driver's new callback thread (a JACK client reopened after a server restart): the per-thread
            // counter starts over, so keep what the old thread allocated after its warm-up and warm the new one up.
            if (_allocatedAtWarmUp >= 0)
            {
                Volatile.Write(ref _allocatedOnEarlierThreads, _allocatedOnEarlierThreads + (_allocatedLast - _allocatedAtWarmUp));
                Volatile.Write(ref _allocatedAtWarmUp, -1);
                _warmUpAt = cycles + WarmUpBlocks;
            }

            _threadId = thread;
        }

        if (collections != _collections)
        {
            if (_allocatedAtWarmUp >= 0)
            {
                Volatile.Write(ref _allocatedAcrossCollections, _allocatedAcrossCollections + (allocated - _allocatedLast));
            }

            _collections = collections;
        }
        else if (_allocatedAtWarmUp >= 0 && allocated != _allocatedLast)
        {
            if (_allocatingBlocks == 0)
            {
                Volatile.Write(ref _firstAllocationBytes, allocated - _allocatedLast);
                Volatile.Write(ref _firstAllocationCycle, cycles);
            }

            Volatile.Write(ref _allocatingBlocks, _allocatingBlocks + 1);
        }

        if (cycles == _warmUpAt)
        {
            Volatile.Write(ref _allocatedAtWarmUp, allocated);
        }

        Volatile.Write(ref _allocatedLast, allocated);
        if (frameTime >= _maxFrames || (_endsWithSources && AllSourcesEnded(schedule.FiniteSources)))
        {
            End();
            return false;
        }

        return true;
    }

    private static bool AllSourcesEnded(NodeSlot[] finite)
    {
        if (finite.Length == 0)
        {
            return false;
        }

        for (int i = 0; i < finite.Length; i++)
        {
            if (!finite[i].Finite!.HasEnded && !finite[i].IsMuted)
            {
                return false;
            }
        }

        return true;
    }

    private void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            Ended.TrySetResult(); // once, at the end of the run: not steady state
        }
    }

    private void RunProcess(NodeSlot slot, int frames)
    {
        if (slot.Decoupled is null)
        {
            slot.GatherInputs(frames);
        }

        if (slot.IsMuted)
        {
            slot.SilenceOutputs(frames);
            return;
        }

        try
        {
            slot.Instance.Process(new ProcessContext(frames, _frameTime, _sampleRate, slot.Inputs, slot.Outputs, slot.Events, _offline));
        }
        catch (Exception ex)
        {
            slot.RecordFault(ex, _frameTime);
            slot.SilenceOutputs(frames);
        }
    }

    private void RunSink(NodeSlot slot, int frames)
    {
        slot.GatherInputs(frames);
        if (slot.IsMuted)
        {
            return;
        }

        try
        {
            slot.Decoupled!.ProcessSink(new ProcessContext(frames, _frameTime, _sampleRate, slot.Inputs, slot.Outputs, slot.Events, _offline));
        }
        catch (Exception ex)
        {
            slot.RecordFault(ex, _frameTime);
        }
    }
}
