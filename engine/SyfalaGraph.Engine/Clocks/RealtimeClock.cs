using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Dsp.Clocking;

namespace SyfalaGraph.Engine.Clocks;

// Design: a timer thread that runs one block per period against absolute deadlines (anchor + n periods), so timing
// errors do not accumulate; BlockTimer sleeps (clock_nanosleep TIMER_ABSTIME on Linux). A wake-up that comes late by
// k periods (the thread was preempted, the machine stalled) runs the k missed blocks back to back, each counted
// late (IGraphCycle.ReportLateBlock): the audio they carry is delayed, not dropped, and the blocks after them are on
// time again — what a device's ring does when a callback is late but within its buffer. Only a stall longer than
// MaxCatchUpSeconds (a suspended process, a debugger) re-anchors: its blocks are not run, and one xrun is counted.
// A block counts late when it starts a whole period or more after its deadline; less is ordinary wake-up jitter.
// A drift (ppm) scales the period, to stand in for a device whose crystal is off; on a VirtualTimeline the clock
// does not sleep at all: the timeline runs it in simulated time.
// The thread runs SCHED_FIFO at the graph's realtime_priority when permitted (RealtimeScheduling): like JACK's and
// PipeWire's process threads, so building nodes or a busy machine does not preempt the audio. The kernel's RT
// throttling (sched_rt_runtime_us) still bounds a runaway node. The run's start line says once whether it is granted.

/// <summary>
/// The <c>realtime</c> driver: paces blocks by a high-resolution timer at the graph's sample rate times
/// (1 + <paramref name="driftPpm"/> × 1e-6), or in simulated time on <paramref name="timeline"/>.
/// </summary>
internal sealed class RealtimeClock(double sampleRate, int blockFrames, double driftPpm = 0, VirtualTimeline? timeline = null,
    BlockTimer? timer = null) : IDriverNode
{
    /// <summary>Longest stall caught up by running the missed blocks back to back, seconds; a longer one re-anchors (an xrun).</summary>
    public const double MaxCatchUpSeconds = 1.0;

    private readonly BlockTimer _timer = timer ?? BlockTimer.System;
    private Thread? _thread;
    private volatile bool _stop;

    public double? ImposedSampleRate => null;

    public int? ImposedBlockFrames => null;

    /// <summary>Whether the clock thread got SCHED_FIFO (set before the first block).</summary>
    public bool HasRealtimePriority { get; private set; }

    public void Start(IGraphCycle cycle)
    {
        if (timeline is not null)
        {
            timeline.Add(cycle, blockFrames, blockFrames / (sampleRate * (1 + (driftPpm * 1e-6))) * 1e9);
            return;
        }

        _thread = new Thread(() => Loop(cycle))
        {
            Name = "syfalagraph realtime clock",
            IsBackground = true,
            Priority = ThreadPriority.Highest,
        };
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }

    private void Loop(IGraphCycle cycle)
    {
        HasRealtimePriority = RealtimeScheduling.TryPromoteCurrentThread().Granted;
        cycle.WarmUp();
        double ticksPerBlock = blockFrames / (sampleRate * (1 + (driftPpm * 1e-6))) * _timer.Frequency;
        long maxLateness = (long)(MaxCatchUpSeconds * _timer.Frequency);
        long anchor = _timer.Now();
        long blocks = 0;
        bool first = true;
        while (!_stop)
        {
            if (!cycle.Run(blockFrames))
            {
                return;
            }

            if (first)
            {
                // The first block pays one-time costs (first touches, remaining JIT): start the timeline after it.
                first = false;
                anchor = _timer.Now();
                continue;
            }

            blocks++;
            long deadline = anchor + (long)(blocks * ticksPerBlock);
            long lateness = _timer.Now() - deadline;
            if (lateness > maxLateness)
            {
                // A suspension, not a late wake-up: catching up would run seconds of audio at once. Re-anchor.
                cycle.ReportXrun();
                anchor = _timer.Now();
                blocks = 0;
                continue;
            }

            if (lateness >= ticksPerBlock)
            {
                // This block is a period or more behind its deadline: run it now, and the ones after it until the
                // clock is back on its deadlines.
                cycle.ReportLateBlock();
                continue;
            }

            if (lateness < 0)
            {
                _timer.SleepUntil(deadline);
            }
        }
    }
}
