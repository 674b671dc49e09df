using System.Diagnostics;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: drive: true makes a Syfala node its clock domain's driver, the way a Syfala FPGA follows its codec
// or a NetJack2 slave its master: the graph runs one block each time a block of audio has arrived from the
// peer, so this side follows the peer's clock with no resampling and no jitter buffer beyond one block. The
// receiver thread signals (WakeSignal: an eventfd, no lock on the receiver thread) each write that leaves a block
// or more in the first receive buffer; this thread wakes, and runs the cycle once per block buffered. While no I/O session runs (no peer yet, peer lost) it freewheels: one block per
// nominal period, so the graph keeps running (silence in) and picks the peer up when it comes back. While a
// session runs and audio is merely late, it waits for it: following the peer means not running ahead of it.

/// <summary>Runs a clock domain from the audio arriving on a Syfala stream (<c>drive: true</c>).</summary>
internal sealed class NetworkDriver
{
    private readonly ReceiveBuffer _clock;
    private readonly AudioPath _audio;
    private readonly int _block;
    private readonly int _periodMs;
    private readonly double _sampleRate;
    private readonly WakeSignal _arrived = new(blockingFallback: true);
    private Thread? _thread;
    private volatile bool _stop;

    /// <param name="audio">The node's audio path: its first received stream paces the domain.</param>
    /// <param name="blockFrames">The domain's block, frames.</param>
    /// <param name="sampleRate">Nominal rate for freewheeling, Hz.</param>
    public NetworkDriver(AudioPath audio, int blockFrames, double sampleRate)
    {
        _audio = audio;
        ReceiveBuffer clock = audio.ReceiveBuffers[0];
        _clock = clock;
        _block = blockFrames;
        _periodMs = Math.Max(1, (int)Math.Round(blockFrames * 1000.0 / sampleRate));
        _sampleRate = sampleRate;
        clock.Arrived = _arrived;
        clock.ArrivedThresholdFrames = blockFrames;
    }

    /// <summary>Blocks run because audio arrived (the rest freewheeled while no peer ran I/O).</summary>
    public long NetworkBlocks { get; private set; }

    /// <summary>Starts running <paramref name="cycle"/>. Audio thread: no.</summary>
    public void Start(IGraphCycle cycle, string name)
    {
        _thread = new Thread(() => Run(cycle)) { Name = "drv " + name, IsBackground = true, Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <summary>Stops; no block runs after this returns. Audio thread: no.</summary>
    public void Stop()
    {
        _stop = true;
        _arrived.Signal();
        _thread?.Join();
    }

    /// <summary>Whether the driver thread got SCHED_FIFO at the graph's <c>realtime_priority</c>, like the engine's realtime clock.</summary>
    public bool HasRealtimePriority { get; private set; }

    private void Run(IGraphCycle cycle)
    {
        // The domain's clock: like the engine's realtime clock and JACK's process thread, SCHED_FIFO when permitted.
        HasRealtimePriority = RealtimeScheduling.TryPromoteCurrentThread().Granted;
        cycle.WarmUp();
        double ticksPerBlock = _block * (double)Stopwatch.Frequency / _sampleRate;
        double next = Stopwatch.GetTimestamp();
        while (!_stop)
        {
            // Waiting for the peer's audio is this driver's period: the wait is the clock, not the audio path.
            bool session = _audio.Session is not null;
            long now = Stopwatch.GetTimestamp();
            int waitMs = session ? Math.Max(5, 2 * _periodMs) : (int)Math.Max(0, (next - now) * 1000 / Stopwatch.Frequency);
            if (_arrived.Wait(waitMs))
            {
                while (!_stop && _clock.FillFrames >= _block)
                {
                    NetworkBlocks++;
                    if (!cycle.Run(_block))
                    {
                        return;
                    }
                }

                next = Stopwatch.GetTimestamp() + ticksPerBlock;
            }
            else if (!_stop && !session)
            {
                // Freewheel at the nominal rate while no peer runs I/O (absolute deadlines: no drift from the waits).
                if (!cycle.Run(_block))
                {
                    return;
                }

                next = Math.Max(next + ticksPerBlock, Stopwatch.GetTimestamp() - (8 * ticksPerBlock));
            }
        }
    }
}
