using System.Diagnostics;
using SyfalaGraph.Dsp.Clocking;

namespace SyfalaGraph.Engine.Clocks;

// Design: what the realtime clock needs of time — a monotonic timestamp and a sleep until an absolute one — behind
// one small type, so the clock's catch-up logic runs in tests against a fake time source (a stall of exactly k
// periods) instead of a real stall on a loaded machine. The system timer sleeps with MonotonicClock.SleepUntil
// (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)) on Linux, where CLOCK_MONOTONIC is Stopwatch's clock (frequency
// 1 GHz): it wakes within tens of microseconds and never drifts. Elsewhere it sleeps to ~2 ms before the deadline
// and spins the rest.

/// <summary>The realtime clock's source of time: a monotonic timestamp and a sleep until an absolute timestamp.</summary>
internal class BlockTimer
{
    private readonly bool _preciseSleep = MonotonicClock.StopwatchIsMonotonicNanoseconds;

    /// <summary>The system's monotonic clock (Stopwatch).</summary>
    public static BlockTimer System { get; } = new();

    /// <summary>Ticks per second of <see cref="Now"/>.</summary>
    public virtual long Frequency => Stopwatch.Frequency;

    /// <summary>The current timestamp, in ticks of <see cref="Frequency"/>. Audio thread: yes.</summary>
    public virtual long Now() => Stopwatch.GetTimestamp();

    /// <summary>Returns at <paramref name="deadline"/> (a timestamp of <see cref="Now"/>) or soon after. Clock thread only.</summary>
    public virtual void SleepUntil(long deadline)
    {
        if (_preciseSleep)
        {
            MonotonicClock.SleepUntil(deadline); // Stopwatch ticks are CLOCK_MONOTONIC ns here
            return;
        }

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
