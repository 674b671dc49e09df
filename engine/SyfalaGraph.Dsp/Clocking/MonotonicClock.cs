using System.Runtime.InteropServices;

namespace SyfalaGraph.Dsp.Clocking;

// Design: a period-paced loop (the engine's realtime clock, a PortAudio device paced by the system clock) sleeps to
// absolute deadlines on CLOCK_MONOTONIC, so timing errors do not accumulate; clock_nanosleep with TIMER_ABSTIME wakes
// within tens of microseconds where Thread.Sleep rounds to a millisecond or more. On Linux Stopwatch reads the same
// clock (its frequency is then 1e9), so deadlines may be computed from either. Blittable arguments only: no
// marshalling, no allocation. glibc's soname, not "libc": a bare "libc" is not a loadable file on Debian.

/// <summary>
/// CLOCK_MONOTONIC reads and sleeps to an absolute CLOCK_MONOTONIC deadline (libc <c>clock_gettime</c> and
/// <c>clock_nanosleep</c> with <c>TIMER_ABSTIME</c>), Linux only: check <see cref="Supported"/> first.
/// </summary>
public static unsafe partial class MonotonicClock
{
    private const string LibC = "libc.so.6";
    private const int ClockMonotonicId = 1; // CLOCK_MONOTONIC on Linux
    private const int TimerAbsTime = 1;     // TIMER_ABSTIME
    private const int EIntr = 4;

    /// <summary>True where these calls exist (Linux). Audio thread: yes.</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>
    /// True when <see cref="System.Diagnostics.Stopwatch"/> reads CLOCK_MONOTONIC in nanoseconds here (Linux), so a
    /// deadline computed from <c>Stopwatch.GetTimestamp()</c> may be passed to <see cref="SleepUntil"/>. Audio thread: yes.
    /// </summary>
    public static bool StopwatchIsMonotonicNanoseconds => Supported && System.Diagnostics.Stopwatch.Frequency == 1_000_000_000;

    /// <summary>CLOCK_MONOTONIC, ns. Audio thread: yes (vDSO, no allocation). Linux only.</summary>
    public static long NowNanoseconds()
    {
        TimeSpec t;
        _ = ClockGetTime(ClockMonotonicId, &t);
        return (t.Seconds * 1_000_000_000L) + t.Nanoseconds;
    }

    /// <summary>
    /// Sleeps until CLOCK_MONOTONIC reaches <paramref name="deadlineNs"/> (returns at once when it has passed; retries
    /// when a signal interrupts the sleep). Audio thread: yes, as a driver's wait for its clock. Linux only.
    /// </summary>
    /// <param name="deadlineNs">The absolute deadline on CLOCK_MONOTONIC, ns.</param>
    public static void SleepUntil(long deadlineNs)
    {
        var t = new TimeSpec { Seconds = deadlineNs / 1_000_000_000L, Nanoseconds = deadlineNs % 1_000_000_000L };
        while (ClockNanoSleep(ClockMonotonicId, TimerAbsTime, &t, null) == EIntr)
        {
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(LibC, EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, TimeSpec* time);

    // Returns the error number itself (0 on success), not -1/errno.
    [LibraryImport(LibC, EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanoSleep(int clock, int flags, TimeSpec* request, TimeSpec* remain);
}
