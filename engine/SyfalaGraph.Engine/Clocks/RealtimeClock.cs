using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Dsp.Clocking;

namespace SyfalaGraph.Engine.Clocks;

// Design: a timer thread that runs one block per period against absolute deadlines, so timing errors do
// not accumulate. On Linux it sleeps with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) — the same clock
// as Stopwatch there — which wakes within tens of microseconds; elsewhere it sleeps to ~1 ms before the
// deadline and spins the rest. A deadline missed by more than one period counts an xrun and re-anchors
// the clock instead of running a burst of catch-up blocks. A drift (ppm) scales the period, to stand in for
// a device whose crystal is off; on a VirtualTimeline the clock does not sleep at all: the timeline runs
// it in simulated time.

/// <summary>
/// The <c>realtime</c> driver: paces blocks by a high-resolution timer at the graph's sample rate times
/// (1 + <paramref name="driftPpm"/> × 1e-6), or in simulated time on <paramref name="timeline"/>.
/// </summary>
internal sealed partial class RealtimeClock(double sampleRate, int blockFrames, ILogger logger, double driftPpm = 0, VirtualTimeline? timeline = null) : IDriverNode
{
    private Thread? _thread;
    private volatile bool _stop;

    public double? ImposedSampleRate => null;

    public int? ImposedBlockFrames => null;

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
        // Like JACK's and PipeWire's process threads: SCHED_FIFO, so building nodes or a busy machine does not
        // preempt the audio. The kernel's RT throttling (sched_rt_runtime_us) still bounds a runaway node.
        if (OperatingSystem.IsLinux())
        {
            var param = new SchedParam { Priority = 70 };
            if (SchedSetScheduler(0, SchedFifo, ref param) != 0)
            {
                // Said once, before the first block: not on the audio path.
                logger.LogWarning("the realtime clock runs without real-time priority (SCHED_FIFO needs root, CAP_SYS_NICE or an rtprio limit): expect xruns under load");
            }
        }

        cycle.WarmUp();
        double ticksPerBlock = blockFrames / (sampleRate * (1 + (driftPpm * 1e-6))) * Stopwatch.Frequency;
        long anchor = Stopwatch.GetTimestamp();
        long blocks = 0;
        bool first = true;
        bool preciseSleep = MonotonicClock.StopwatchIsMonotonicNanoseconds;
        while (!_stop)
        {
            if (!cycle.Run(blockFrames))
            {
                return;
            }

            if (blocks == 0 && first)
            {
                // The first block pays one-time costs (first touches, remaining JIT): start the timeline after it.
                first = false;
                anchor = Stopwatch.GetTimestamp();
                continue;
            }

            blocks++;
            long deadline = anchor + (long)(blocks * ticksPerBlock);
            long now = Stopwatch.GetTimestamp();
            if (now - deadline > ticksPerBlock)
            {
                cycle.ReportXrun();
                anchor = now;
                blocks = 0;
                continue;
            }

            if (preciseSleep)
            {
                MonotonicClock.SleepUntil(deadline); // Stopwatch ticks are CLOCK_MONOTONIC ns here
            }
            else
            {
                long remaining;
                while ((remaining = deadline - Stopwatch.GetTimestamp()) > 0)
                {
                    if (remaining > Stopwatch.Frequency / 500)
                    {
                        Thread.Sleep(1);
                    }
                    else
                    {
                        Thread.SpinWait(50);
                    }
                }
            }
        }
    }

    private const int SchedFifo = 1;

    [LibraryImport("libc", EntryPoint = "sched_setscheduler")]
    private static partial int SchedSetScheduler(int pid, int policy, ref SchedParam param);

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }
}
