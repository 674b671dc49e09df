using System.Runtime.InteropServices;

namespace SyfalaGraph.Abstractions.Native;

// Design: why here. Every real-time thread of the process (the engine's realtime clock, a network-driven domain's
// driver, the Syfala sender and receiver threads, and whatever plugins come next) takes its SCHED_FIFO priority from
// one graph-level setting (settings.realtime_priority) relative to JACK's, and the run logs ONE line saying whether
// real-time scheduling and memory locking were granted. Both the configured priority and the tallies behind that
// line are process-wide state that must have one identity for the host and every plugin — also across hot reloads,
// which load a new copy of a plugin (and of the Dsp library it carries) into a new context — so they live in the
// contract assembly, loaded once by the host, like NativeLibraryResolver and NativeProcessServices. Only host types
// are stored (ints), never a plugin's object.
// Priorities: jackd -R runs its server and its clients' process threads SCHED_FIFO at 10 (jack2 1.9.21, the default
// of -P; `ps -L -o rtprio` of `jackd -R -d dummy` and a client here), and zita-njbridge puts its network thread at 5.
// A SyfalaGraph clock or driver thread runs at the configured priority (default 9: JACK's threads preempt it) and its
// network threads one below (they feed the clock's thread, which must not wait behind them).
// Linux only: sched_setscheduler(0, …) applies to the calling thread (tid 0); elsewhere every request reports
// "not supported" and nothing is called.

/// <summary>
/// Real-time scheduling of the calling thread (SCHED_FIFO on Linux) at a priority relative to the graph's
/// <c>settings.realtime_priority</c>, memory locking (<c>mlockall</c>), and the process-wide tallies the host logs
/// once per run. Audio thread: no (call once at a thread's start, before its first period).
/// </summary>
public static partial class RealtimeScheduling
{
    /// <summary>Default SCHED_FIFO priority of clock and driver threads: one below JACK's 10 (jackd -R's default).</summary>
    public const int DefaultPriority = 9;

    /// <summary>Highest SCHED_FIFO priority on Linux.</summary>
    public const int MaxPriority = 99;

    /// <summary>Offset of network (sender, receiver) threads from <see cref="Priority"/>: one below the clock threads.</summary>
    public const int NetworkOffset = -1;

    private const int SchedFifo = 1;
    private const int RlimitRtprio = 14;
    private const int RlimitMemlock = 8;
    private const int McCurrent = 1;
    private const int McFuture = 2;
    private const int McOnFault = 4;
    private const string LibC = "libc.so.6";

    private static int _priority = DefaultPriority;
    private static int _granted;
    private static int _refused;

    /// <summary>The configured priority of clock and driver threads (1–99). Set by the host at run start. Any thread.</summary>
    public static int Priority => Volatile.Read(ref _priority);

    /// <summary>Threads that asked for real-time scheduling in this process and got it. Any thread.</summary>
    public static int GrantedThreads => Volatile.Read(ref _granted);

    /// <summary>Threads that asked for real-time scheduling in this process and were refused. Any thread.</summary>
    public static int RefusedThreads => Volatile.Read(ref _refused);

    /// <summary>Sets the priority later requests are relative to (the graph's <c>settings.realtime_priority</c>). Host only.</summary>
    /// <param name="priority">SCHED_FIFO priority of clock and driver threads, 1–99.</param>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1–99.</exception>
    public static void Configure(int priority)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priority, MaxPriority);
        Volatile.Write(ref _priority, priority);
    }

    /// <summary>The priority of a thread at <paramref name="offset"/> from <see cref="Priority"/>, clamped to 1–99.</summary>
    public static int PriorityAt(int offset) => Math.Clamp(Priority + offset, 1, MaxPriority);

    /// <summary>
    /// Puts the calling thread under SCHED_FIFO at <see cref="Priority"/> + <paramref name="offset"/> (clamped to
    /// 1–99) and counts the outcome in <see cref="GrantedThreads"/> / <see cref="RefusedThreads"/>. Never throws and
    /// logs nothing: the host's run-start line says once whether this is granted (see <see cref="Probe"/>). Call it
    /// at the start of the thread, before its first period (a system call, not allocation-free the first time it
    /// binds). Audio thread: no.
    /// </summary>
    /// <param name="offset">0 for clock and driver threads, <see cref="NetworkOffset"/> for network threads.</param>
    public static RealtimeGrant TryPromoteCurrentThread(int offset = 0)
    {
        RealtimeGrant grant = TrySetFifo(PriorityAt(offset));
        if (grant.Granted)
        {
            Interlocked.Increment(ref _granted);
        }
        else
        {
            Interlocked.Increment(ref _refused);
        }

        return grant;
    }

    /// <summary>
    /// Asks SCHED_FIFO at <see cref="Priority"/> on a short-lived thread of its own and reports the answer, so the
    /// host can say once, before any real-time thread starts, whether they will get it. Not counted in the tallies.
    /// Audio thread: no (starts and joins a thread).
    /// </summary>
    public static RealtimeGrant Probe()
    {
        RealtimeGrant grant = default;
        int priority = Priority;
        var thread = new Thread(() => grant = TrySetFifo(priority)) { IsBackground = true, Name = "syfalagraph rt probe" };
        thread.Start();
        thread.Join();
        return grant;
    }

    /// <summary>
    /// Locks the process's memory so that no page of it is swapped or reclaimed while audio runs:
    /// <c>mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)</c> (Linux ≥ 4.4). ONFAULT because plain MCL_FUTURE
    /// populates every new mapping at once: each thread's whole stack and each heap region the GC commits become
    /// resident (measured in the engine README). With ONFAULT, the pages already touched are locked now and each
    /// further page when first touched. <paramref name="prefault"/> (plain MCL_CURRENT | MCL_FUTURE) is the
    /// textbook call, kept for measuring. Audio thread: no.
    /// </summary>
    /// <param name="prefault">True: without MCL_ONFAULT (every mapping made resident now and when created).</param>
    public static MemoryLockResult LockMemory(bool prefault = false)
    {
        int flags = McCurrent | McFuture | (prefault ? 0 : McOnFault);
        if (!OperatingSystem.IsLinux())
        {
            return new MemoryLockResult(false, flags, 0, 0);
        }

        try
        {
            if (MLockAll(flags) == 0)
            {
                return new MemoryLockResult(true, flags, 0, 0);
            }

            int errno = Marshal.GetLastPInvokeError();
            return new MemoryLockResult(false, flags, errno, GetLimit(RlimitMemlock));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new MemoryLockResult(false, flags, 0, 0);
        }
    }

    /// <summary>The calling thread's soft RLIMIT_RTPRIO (the highest SCHED_FIFO priority an unprivileged thread may take); −1 if unknown.</summary>
    public static long RtprioLimit() => GetLimit(RlimitRtprio);

    private static RealtimeGrant TrySetFifo(int priority)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new RealtimeGrant(false, priority, 0, -1);
        }

        try
        {
            int param = priority; // struct sched_param { int sched_priority; }
            if (SchedSetScheduler(0, SchedFifo, ref param) == 0)
            {
                return new RealtimeGrant(true, priority, 0, -1);
            }

            return new RealtimeGrant(false, priority, Marshal.GetLastPInvokeError(), GetLimit(RlimitRtprio));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new RealtimeGrant(false, priority, 0, -1);
        }
    }

    private static long GetLimit(int resource)
    {
        try
        {
            var limit = default(RLimit);
            return OperatingSystem.IsLinux() && GetRLimit(resource, ref limit) == 0 ? (long)Math.Min(limit.Soft, long.MaxValue) : -1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    [LibraryImport(LibC, EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, ref int param);

    [LibraryImport(LibC, EntryPoint = "mlockall", SetLastError = true)]
    private static partial int MLockAll(int flags);

    [LibraryImport(LibC, EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, ref RLimit limit);
}
