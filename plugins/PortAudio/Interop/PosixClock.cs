using System.Runtime.InteropServices;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>
/// CLOCK_MONOTONIC reads and absolute sleeps (libc <c>clock_gettime</c>/<c>clock_nanosleep</c>, Linux), used to pace a
/// device that has no clock of its own (<c>pacing: system</c>). Blittable arguments only: no marshalling, no allocation.
/// </summary>
internal static unsafe partial class PosixClock
{
    private const int ClockMonotonic = 1; // CLOCK_MONOTONIC on Linux
    private const int TimerAbsTime = 1;   // TIMER_ABSTIME
    private const int SchedFifo = 1;      // SCHED_FIFO
    private const int SchedRr = 2;        // SCHED_RR
    private const int EINTR = 4;

    /// <summary>True where these calls exist (Linux).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>CLOCK_MONOTONIC in nanoseconds. Audio thread: yes (vDSO, no allocation).</summary>
    public static long NowNanoseconds()
    {
        TimeSpec t;
        _ = ClockGetTime(ClockMonotonic, &t);
        return (t.Seconds * 1_000_000_000L) + t.Nanoseconds;
    }

    /// <summary>Sleeps until CLOCK_MONOTONIC reaches <paramref name="deadlineNs"/> (retries on EINTR). Audio thread: yes (the pacing wait).</summary>
    public static void SleepUntil(long deadlineNs)
    {
        var t = new TimeSpec { Seconds = deadlineNs / 1_000_000_000L, Nanoseconds = deadlineNs % 1_000_000_000L };
        while (ClockNanoSleep(ClockMonotonic, TimerAbsTime, &t, null) == EINTR)
        {
        }
    }

    /// <summary>True when the calling thread runs under SCHED_FIFO or SCHED_RR.</summary>
    public static bool CurrentThreadIsRealtime()
    {
        int policy = SchedGetScheduler(0) & 0xff; // SCHED_RESET_ON_FORK may be or-ed in
        return policy is SchedFifo or SchedRr;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, TimeSpec* time);

    // Returns the error number itself (0 on success), not -1/errno.
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanoSleep(int clock, int flags, TimeSpec* request, TimeSpec* remain);

    [LibraryImport("libc", EntryPoint = "sched_getscheduler")]
    private static partial int SchedGetScheduler(int pid);
}
