using SyfalaGraph.Abstractions.Native;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

/// <summary>
/// What the sender and receiver threads share: the session they serve (published by the control plane), the
/// generation they have reset to, start and bounded stop, and per-loop counters the tests read.
/// </summary>
internal abstract class AudioThread
{
    private AudioSession? _session;
    private int _ackedGeneration = -1;
    private long _threadAllocatedBytes = -1;
    private long _loops;
    private volatile bool _stop;
    private Thread? _thread;

    private volatile bool _realtime;

    /// <summary>
    /// Whether the thread got real-time scheduling: SCHED_FIFO one below the graph's <c>realtime_priority</c>
    /// (<see cref="RealtimeScheduling.NetworkOffset"/>; needs root, CAP_SYS_NICE or an rtprio limit).
    /// </summary>
    public bool HasRealtimePriority => _realtime;

    /// <summary>The last session generation this thread has reset to.</summary>
    public int AcknowledgedGeneration => Volatile.Read(ref _ackedGeneration);

    /// <summary>GC.GetAllocatedBytesForCurrentThread of this thread, sampled every loop (tests).</summary>
    public long ThreadAllocatedBytes => Volatile.Read(ref _threadAllocatedBytes);

    /// <summary>Loop iterations so far (tests wait on it).</summary>
    public long Loops => Volatile.Read(ref _loops);

    /// <summary>The session this thread serves (null: none).</summary>
    protected AudioSession? Session => Volatile.Read(ref _session);

    /// <summary>True once <see cref="Stop"/> was called.</summary>
    protected bool Stopping => _stop;

    /// <summary>Publishes the session to serve (null: none). Control plane.</summary>
    public void SetSession(AudioSession? session)
    {
        Volatile.Write(ref _session, session);
        Wake();
    }

    public void Start(string name)
    {
        _thread = new Thread(RunThread) { IsBackground = true, Name = name, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Asks the thread to end and waits at most <paramref name="timeout"/>; false if it did not.</summary>
    public bool Stop(TimeSpan timeout)
    {
        _stop = true;
        Wake();
        return _thread is null || _thread.Join(timeout);
    }

    /// <summary>Wakes the thread if it waits (a new session, a stop); nothing by default (threads that poll).</summary>
    protected virtual void Wake()
    {
    }

    private void RunThread()
    {
        // A wake-up per period must not wait for a time slice behind builds and other processes: SCHED_FIFO when
        // permitted, one below the domain's clock (the threads block in poll(2) between periods, so they never hold
        // a core). The run's start line says once whether it is granted.
        _realtime = RealtimeScheduling.TryPromoteCurrentThread(RealtimeScheduling.NetworkOffset).Granted;
        Run();
    }

    /// <summary>The thread's loop (until <see cref="Stopping"/>).</summary>
    protected abstract void Run();

    /// <summary>Records that this thread has reset to session <paramref name="generation"/>.</summary>
    protected void Acknowledge(int generation) => Volatile.Write(ref _ackedGeneration, generation);

    /// <summary>Counts one loop and samples the thread's allocation counter. This thread only.</summary>
    protected void EndLoop()
    {
        Volatile.Write(ref _loops, _loops + 1);
        Volatile.Write(ref _threadAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
    }
}
