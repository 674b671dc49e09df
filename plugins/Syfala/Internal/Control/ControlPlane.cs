using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Nodes;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

// Design: the async control plane of a node (DESIGN §6): ONE task owns all protocol state. Every tick (1–5 ms:
// heartbeat/20) it drains every input — commands from the node, control datagrams queued by the receiver thread
// (ControlInbox), frames from TCP reader tasks — and runs the protocol's tick (heartbeats, timeouts, retries).
// The loop is a dedicated thread (normal priority) that sleeps on a WakeSignal until the next tick's absolute
// deadline; a command or TCP frame posted to it wakes it at once. It used to be an async loop on a PeriodicTimer:
// each 5 ms tick then woke the timer thread and a thread-pool worker, and the pool's workers spin (sched_yield)
// after each item — about 18,000 system calls a second and 5 % of a core for an idle stream (bench/idle-cpu.sh).
// A thread that blocks in poll(2) costs one wake-up per tick. The steady state (heartbeats both ways, known peers)
// allocates nothing: peer addresses are cached (ControlInbox, SendTo). That is measured (ControlAllocatedBytes)
// because DESIGN §4 wants the whole process, not only the audio threads, free of per-period allocation.
// Underflows of the jitter buffers are reported from here too, at most once a second and only when there were some
// (the audio thread only counts them): a user hears the click and reads when and how many in the log. So are blocks
// of silence played for want of audio without a new underflow (a stream that stopped arriving), and jumps of
// byte_idx that the receiver followed or rejected (the receiver thread only counts them).
// Nothing else touches the protocol objects, so they need no locks. Sending control messages happens here too,
// on the same socket the audio threads use (datagram sends are independent system calls).

/// <summary>Base of the server and client control planes: the loop, the inbox, commands and reporting.</summary>
internal abstract partial class ControlPlane
{
    private readonly ConcurrentQueue<Action<long>> _commands = new();
    private readonly ConcurrentQueue<(byte[]? Frame, IPEndPoint Source)> _frames = new();
    private readonly Dictionary<IPEndPoint, SocketAddress> _addresses = [];
    private long _malformedFrames;
    private long _controlAllocatedBytes;
    private readonly WakeSignal _wake = new(blockingFallback: true);
    private volatile bool _ending;
    private Thread? _loop;
    private bool _stopped; // control plane only: set by Stop's final action, after which nothing is sent
    private long _reportedUnderflows;
    private long _reportedStarved;
    private long _reportedResyncs;
    private long _reportedRejectedJumps;
    private long _underflowReportMs; // 0: not started

    protected ControlPlane(IDatagramTransport transport, ControlInbox inbox, AudioPath audio, NodeEventWriter events, ILogger logger, string nodeId, int tickMs)
    {
        Transport = transport;
        Inbox = inbox;
        Audio = audio;
        Events = events;
        Logger = logger;
        NodeId = nodeId;
        TickMs = tickMs;
    }

    protected IDatagramTransport Transport { get; }

    protected ControlInbox Inbox { get; }

    protected AudioPath Audio { get; }

    protected NodeEventWriter Events { get; }

    protected ILogger Logger { get; }

    protected string NodeId { get; }

    protected int TickMs { get; }

    /// <summary>Control datagrams and TCP frames that did not decode (counted, dropped).</summary>
    public long MalformedControl
    {
        get => Volatile.Read(ref _malformedFrames);
        protected set => Volatile.Write(ref _malformedFrames, value);
    }

    /// <summary>
    /// Adds the control plane's own counters to a snapshot of the audio path's (the server's admission counters; the
    /// client has none). Any thread (approximate: single-writer 64-bit counters).
    /// </summary>
    public virtual SyfalaStatistics WithControlCounters(SyfalaStatistics statistics) => statistics;

    /// <summary>A TCP reader task hands over a decoded frame (any thread).</summary>
    public void PostFrame(byte[] frame, IPEndPoint source)
    {
        _frames.Enqueue((frame, source));
        _wake.Signal();
    }

    /// <summary>A TCP connection ended (any thread).</summary>
    public void PostLinkClosed(IPEndPoint source)
    {
        _frames.Enqueue((null, source));
        _wake.Signal();
    }

    /// <summary>A TCP frame was malformed or too long (any thread).</summary>
    public void CountMalformedFrame() => Interlocked.Increment(ref _malformedFrames);

    /// <summary>A TCP control connection with <paramref name="peer"/> ended.</summary>
    protected virtual void OnLinkClosed(IPEndPoint peer, long nowMs)
    {
    }

    /// <summary>The control plane's clock, ms (Stopwatch based, same origin as the audio threads' timestamps).</summary>
    public static long NowMs => (long)(Stopwatch.GetTimestamp() * (1000.0 / Stopwatch.Frequency));

    /// <summary>Converts a Stopwatch timestamp to <see cref="NowMs"/> time (0 → long.MinValue: never).</summary>
    protected static long TicksToMs(long ticks) => ticks == 0 ? long.MinValue : (long)(ticks * (1000.0 / Stopwatch.Frequency));

    /// <summary>Starts the control plane's thread. Audio thread: no.</summary>
    public void Start()
    {
        _loop = new Thread(Run) { Name = "ctl " + NodeId, IsBackground = true };
        _loop.Start();
    }

    /// <summary>Runs <paramref name="command"/> on the control plane (with the current time).</summary>
    public void Post(Action<long> command)
    {
        _commands.Enqueue(command);
        _wake.Signal();
    }

    /// <summary>What the node does on the control plane when it stops (StopIO, Disconnect), passed to <see cref="Stop"/>.</summary>
    public abstract void Shutdown(long nowMs);

    /// <summary>Runs <paramref name="finalAction"/> on the control plane, then ends the loop (bounded wait: 2 s).</summary>
    public void Stop(Action<long> finalAction)
    {
        if (_loop is null || !_loop.IsAlive)
        {
            return;
        }

        using var done = new ManualResetEventSlim();
        Post(now =>
        {
            try
            {
                finalAction(now);
            }
            finally
            {
                _stopped = true;
                done.Set();
            }
        });
        done.Wait(TimeSpan.FromSeconds(2));
        _ending = true;
        _wake.Signal();
        if (!_loop.Join(TimeSpan.FromSeconds(2)))
        {
            Logger.LogWarning("{Node}: the control plane did not stop within 2 s", NodeId);
            return; // its descriptor stays open: the thread may still wait on it
        }

        _wake.Dispose(); // a later Post only sets a flag nobody reads
    }

    /// <summary>Handles one control datagram from <paramref name="source"/>.</summary>
    protected abstract void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint source, long nowMs);

    /// <summary>Periodic work (heartbeats, timeouts, retries).</summary>
    protected abstract void OnTick(long nowMs);

    /// <summary>Bytes allocated by the control plane's ticks so far (the synchronous part of each, on whatever thread ran it).</summary>
    public long ControlAllocatedBytes => Volatile.Read(ref _controlAllocatedBytes);

    /// <summary>Sends a control datagram; false (counted by the transport) when it failed. Control plane only.</summary>
    protected bool SendTo(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        if (!_addresses.TryGetValue(destination, out SocketAddress? address))
        {
            if (_addresses.Count >= 256)
            {
                _addresses.Clear(); // a bound, not a cache policy: peers are few
            }

            address = destination.Serialize();
            _addresses.Add(destination, address);
        }

        return Transport.TrySend(datagram, address);
    }

    private void Run()
    {
        long tickTicks = TickMs * Stopwatch.Frequency / 1000;
        long next = Stopwatch.GetTimestamp();
        while (!_ending)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                DrainOnce();
            }
            catch (Exception e)
            {
                // A bug in the protocol must not kill the control plane silently: log and go on.
                Logger.LogError(e, "{Node}: control plane error", NodeId);
            }

            _controlAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            long now = Stopwatch.GetTimestamp();
            if (now >= next)
            {
                // Absolute deadlines (no drift from the waits); after a stall, the next tick is a tick from now.
                next = Math.Max(next + tickTicks, now);
            }

            // Woken early by a post (command, TCP frame, stop): the loop drains at once, the tick keeps its deadline.
            int waitMs = (int)Math.Min(TickMs, ((next - now) * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
            if (waitMs > 0)
            {
                _wake.Wait(waitMs);
            }
        }
    }

    private void DrainOnce()
    {
        long now = NowMs;
        while (!_stopped && _commands.TryDequeue(out Action<long>? command))
        {
            command(now);
        }

        if (_stopped)
        {
            return;
        }

        while (_frames.TryDequeue(out (byte[]? Frame, IPEndPoint Source) item))
        {
            if (item.Frame is null)
            {
                OnLinkClosed(item.Source, now);
            }
            else
            {
                OnDatagram(item.Frame, item.Source, now);
            }
        }

        while (Inbox.TryTake(out ReadOnlySpan<byte> datagram, out IPEndPoint? source))
        {
            if (source is not null)
            {
                OnDatagram(datagram, source, now);
            }
        }

        OnTick(now);
        ReportUnderflows(now);
    }

    private void ReportUnderflows(long now)
    {
        const long PeriodMs = 1000;
        if (_underflowReportMs != 0 && now - _underflowReportMs < PeriodMs)
        {
            return;
        }

        long underflows = Audio.Underflows;
        long starved = Audio.StarvedBlocks;
        ReceiveStatistics stats = Audio.Statistics;
        long resyncs = Volatile.Read(ref stats.Resyncs);
        long rejected = Volatile.Read(ref stats.RejectedJumps);
        double seconds = (now - _underflowReportMs) / 1000.0;
        if (underflows > _reportedUnderflows && _underflowReportMs != 0)
        {
            ReceiveBuffer first = Audio.ReceiveBuffers[0];
            LogUnderflows(Logger, NodeId, underflows - _reportedUnderflows, seconds, first.FillFrames, first.CurrentTargetFrames, underflows);
        }
        else if (starved > _reportedStarved && _underflowReportMs != 0)
        {
            LogStarved(Logger, NodeId, starved - _reportedStarved, seconds, starved);
        }

        if ((resyncs > _reportedResyncs || rejected > _reportedRejectedJumps) && _underflowReportMs != 0)
        {
            LogJumps(Logger, NodeId, resyncs - _reportedResyncs, rejected - _reportedRejectedJumps, seconds, Volatile.Read(ref stats.Implausible), resyncs);
        }

        _reportedStarved = starved;
        _reportedResyncs = resyncs;
        _reportedRejectedJumps = rejected;
        _reportedUnderflows = underflows;
        _underflowReportMs = now;
    }

    // Generated: checks IsEnabled before anything else and passes the values unboxed, so a report to a disabled
    // logger allocates nothing (LogWarning(string, params object[]) boxed five values into an array: 192 B a second
    // while underflows recurred, seen by the allocation test on a loaded CI machine).
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Node}: {Count} jitter-buffer underflow(s) in the last {Seconds:F1} s (silence played; fill {Fill} frames, target {Target:F0}, {Total} in all); raise latency_frames if they recur")]
    private static partial void LogUnderflows(ILogger logger, string node, long count, double seconds, int fill, double target, long total);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Node}: {Count} block(s) played as silence in the last {Seconds:F1} s for want of received audio ({Total} in all)")]
    private static partial void LogStarved(ILogger logger, string node, long count, double seconds, long total);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Node}: received byte_idx jumped in the last {Seconds:F1} s: {Resyncs} jump(s) confirmed and followed (resync), {Rejected} not believed (the current stream kept arriving); {OffStream} off-stream datagram(s) dropped, {TotalResyncs} resync(s) in all")]
    private static partial void LogJumps(ILogger logger, string node, long resyncs, long rejected, double seconds, long offStream, long totalResyncs);
}
