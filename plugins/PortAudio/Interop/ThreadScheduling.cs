using System.Runtime.InteropServices;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>
/// The scheduling policy of the calling thread (libc <c>sched_getscheduler</c>, Linux): whether PortAudio's callback
/// thread runs under a real-time policy. The clock reads and sleeps of <c>pacing: system</c> are
/// <see cref="SyfalaGraph.Dsp.Clocking.MonotonicClock"/>'s.
/// </summary>
internal static partial class ThreadScheduling
{
    private const int SchedFifo = 1; // SCHED_FIFO
    private const int SchedRr = 2;   // SCHED_RR

    /// <summary>True where this call exists (Linux).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>True when the calling thread runs under SCHED_FIFO or SCHED_RR. Audio thread: yes (one system call).</summary>
    public static bool CurrentThreadIsRealtime()
    {
        int policy = SchedGetScheduler(0) & 0xff; // SCHED_RESET_ON_FORK may be or-ed in
        return policy is SchedFifo or SchedRr;
    }

    [LibraryImport("libc.so.6", EntryPoint = "sched_getscheduler")]
    private static partial int SchedGetScheduler(int pid);
}
