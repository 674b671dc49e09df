using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Abstractions.Rings;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: the ONE place where received audio crosses from the network receiver thread to the audio thread.
// By default it is a ClockBridge (SyfalaGraph.Dsp.Clocking, DESIGN §4): an SPSC ring plus an adaptive
// resampler whose ratio follows the peer's clock, holding the fill at the jitter buffer's target depth, so a
// peer whose clock runs 100 ppm fast neither drifts this side into overflows nor, if slow, into underflows over
// hours. With drift_compensation: false (peers on one clock, or when bit-exact transport matters more than
// drift) it is a plain SPSC ring that plays once the target fill is reached and drops a surplus that lasts.
// Either way a reset (new I/O session, peer lost) is requested with a counter and carried out by the consumer
// itself, so the ring keeps exactly one reader; a reset from the producer (a new session) discards exactly what was written before it,
// not the new session's first frames, which may already be there when the audio thread notices.
// A session at another rate than the graph's (a client with resample: true) needs a bridge built for that rate: the
// control plane builds it before publishing the session (UseProducerRate), the receiver thread switches to it when it
// resets for that session (so the new session's frames all go into it), and the audio thread follows at its next
// read, folding the old bridge's counters into its own. Nothing is allocated on either audio thread.

/// <summary>
/// Jitter buffer of one received stream: <c>channels</c> interleaved float32 frames in, planar blocks out, following
/// the peer's clock (adaptive resampling) unless built without drift compensation.
/// </summary>
internal sealed class ReceiveBuffer
{
    private readonly RingProducer<float>? _producer;
    private readonly RingConsumer<float>? _consumer;
    private readonly int _channels;
    private readonly int _targetFrames;
    private readonly int _maxBlockFrames;
    private readonly double _sampleRate;
    private ClockBridge? _bridge; // written by the receiver thread only (at a reset), read by all
    private ClockBridge? _pendingBridge; // built by the control plane for the next session, taken by the receiver thread
    private ClockBridge? _readBridge; // the audio thread's current bridge
    private long _retiredUnderflows; // underflows of the bridges the audio thread has left
    private long _resetPosition = long.MaxValue;
    private int _resetRequested;
    private int _resetSeen;
    private bool _playing;
    private long _underflows;
    private long _starvedBlocks;
    private bool _starved; // audio thread: silence since an underflow, until playback resumes or a reset
    private long _overflowFrames;
    private long _concealedFrames;
    private long _skippedFrames;
    private int _windowLength;
    private int _windowReads;
    private int _windowMin = int.MaxValue;

    /// <param name="channels">Channels per frame (≥ 1).</param>
    /// <param name="targetFrames">Target fill, frames (the jitter-buffer depth; playback starts there).</param>
    /// <param name="maxBlockFrames">Largest block the audio thread reads (and, for the bridge, the peer's period).</param>
    /// <param name="sampleRate">Sample rate, Hz (used with drift compensation).</param>
    /// <param name="driftCompensation">Follow the peer's clock by adaptive resampling.</param>
    /// <param name="quality">The resampler's filter, with drift compensation.</param>
    /// <param name="adaptiveLatency">With drift compensation: hold the least depth the arrival timing allows, <paramref name="targetFrames"/> at most.</param>
    /// <exception cref="ArgumentOutOfRangeException">With drift compensation, a target below the bridge's minimum (the message says it).</exception>
    public ReceiveBuffer(int channels, int targetFrames, int maxBlockFrames, double sampleRate = 48000, bool driftCompensation = false,
        ResamplerQuality quality = ResamplerQuality.Medium, bool adaptiveLatency = false)
    {
        _channels = channels;
        _targetFrames = targetFrames;
        _maxBlockFrames = maxBlockFrames;
        _sampleRate = sampleRate;
        if (driftCompensation)
        {
            _bridge = new ClockBridge(channels, sampleRate, new ClockBridgeOptions
            {
                ProducerBlockFrames = maxBlockFrames,
                ConsumerBlockFrames = maxBlockFrames,
                LatencyFrames = targetFrames,
                Quality = quality,
                AdaptiveLatency = adaptiveLatency,
            });
            _readBridge = _bridge;
            return;
        }

        _windowLength = Math.Max(1, (int)(sampleRate / maxBlockFrames)); // about one second of reads
        int capacityFrames = Math.Max((4 * targetFrames) + (4 * maxBlockFrames), 8192);
        (_producer, _consumer) = SpscRing.Create<float>(capacityFrames * channels);
    }

    /// <summary>Channels per frame.</summary>
    public int Channels => _channels;

    /// <summary>Target fill, frames.</summary>
    public int TargetFrames => _targetFrames;

    /// <summary>The depth held now, frames: the bridge's (adaptive) target, else <see cref="TargetFrames"/>.</summary>
    public double CurrentTargetFrames => Bridge?.TargetFrames ?? _targetFrames;

    /// <summary>The drift-compensating bridge, when this buffer follows the peer's clock (its fill, ratio in ppm).</summary>
    public ClockBridge? Bridge => Volatile.Read(ref _bridge);

    /// <summary>Frames buffered (any thread; approximate while the other side runs; for the bridge, at its last read).</summary>
    public int FillFrames => Bridge?.RingFillFrames ?? _consumer!.AvailableToRead / _channels;

    /// <summary>Reads that found fewer frames than asked for while playing (audio thread writes; any thread reads).</summary>
    public long Underflows => Bridge is { } bridge ? Volatile.Read(ref _retiredUnderflows) + bridge.Underflows : Volatile.Read(ref _underflows);

    /// <summary>
    /// Reads that played silence, wholly or partly, because received audio was missing: the read that underflowed and
    /// every read while the buffer primes again after it, until playback resumes or the buffer is reset (a new
    /// session, the peer lost). Priming at a session's start is not counted. A stream whose audio stopped arriving
    /// counts one per block here while <see cref="Underflows"/> counts 1. Audio thread writes; any thread reads.
    /// </summary>
    public long StarvedBlocks => Volatile.Read(ref _starvedBlocks);

    /// <summary>Frames dropped because the buffer was full (receiver thread writes).</summary>
    public long OverflowFrames => Volatile.Read(ref _overflowFrames);

    /// <summary>Frames skipped because the fill stayed above the target for about a second (without drift compensation).</summary>
    public long SkippedFrames => Volatile.Read(ref _skippedFrames);

    /// <summary>Frames of silence output while playing (underflows), not counting priming.</summary>
    public long ConcealedFrames => Volatile.Read(ref _concealedFrames);

    /// <summary>Whether the audio thread is playing (target reached) rather than priming.</summary>
    public bool IsPlaying => Bridge is { } bridge ? !bridge.IsPriming : Volatile.Read(ref _playing);

    /// <summary>
    /// Makes the next session's audio, at <paramref name="sampleRate"/> Hz, arrive through a bridge converting it to
    /// this side's rate (a new bridge when the rate changes; the target is raised to the new bridge's minimum if
    /// needed). Takes effect at the receiver thread's next <see cref="ResetFromProducer"/>. Control plane only (allocates).
    /// </summary>
    /// <exception cref="InvalidOperationException">The rate differs and this buffer has no drift compensation.</exception>
    public void UseProducerRate(double sampleRate)
    {
        ClockBridge? current = Bridge;
        if (current is null)
        {
            if (sampleRate != _sampleRate)
            {
                throw new InvalidOperationException($"a stream at {sampleRate} Hz into a {_sampleRate} Hz graph needs drift compensation");
            }

            return;
        }

        if (current.ProducerSampleRate == sampleRate)
        {
            Volatile.Write(ref _pendingBridge, null);
            return;
        }

        double ratio = sampleRate / _sampleRate;
        int producerBlock = (int)Math.Ceiling(_maxBlockFrames * ratio);
        int minimum = ClockBridge.MinimumLatency(producerBlock, _maxBlockFrames, current.Quality, ratio);
        Volatile.Write(ref _pendingBridge, new ClockBridge(_channels, _sampleRate, new ClockBridgeOptions
        {
            ProducerSampleRate = sampleRate,
            ProducerBlockFrames = producerBlock,
            ConsumerBlockFrames = _maxBlockFrames,
            LatencyFrames = Math.Max(_targetFrames, minimum),
            Quality = current.Quality,
            AdaptiveLatency = current.AdaptiveLatency,
        }));
    }

    /// <summary>
    /// Signalled after a write that leaves at least <see cref="ArrivedThresholdFrames"/> buffered, when a
    /// <see cref="NetworkDriver"/> paces its domain on this stream (plain ring only).
    /// </summary>
    public WakeSignal? Arrived { get; set; }

    /// <summary>Fill, frames, from which a write signals <see cref="Arrived"/> (the driver's block).</summary>
    public int ArrivedThresholdFrames { get; set; } = 1;

    /// <summary>
    /// Appends whole interleaved frames (<paramref name="interleaved"/>.Length a multiple of the channel count).
    /// What does not fit is dropped and counted. Receiver thread only. No allocation.
    /// </summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        if (_bridge is { } bridge)
        {
            if (!bridge.Write(interleaved))
            {
                Volatile.Write(ref _overflowFrames, _overflowFrames + (interleaved.Length / _channels));
            }

            return;
        }

        // Whole frames only: the ring's power-of-two capacity need not be a multiple of the channel count.
        int room = _producer!.AvailableToWrite / _channels * _channels;
        int n = Math.Min(room, interleaved.Length);
        if (n > 0)
        {
            _producer.TryWrite(interleaved[..n]);
        }

        if (n < interleaved.Length)
        {
            Volatile.Write(ref _overflowFrames, _overflowFrames + ((interleaved.Length - n) / _channels));
        }

        if (Arrived is not null && _consumer!.AvailableToRead >= ArrivedThresholdFrames * _channels)
        {
            Arrived.Signal();
        }
    }

    /// <summary>Asks the audio thread to discard whatever is buffered when it notices, and prime again (any thread).</summary>
    public void RequestReset()
    {
        if (Bridge is { } bridge)
        {
            bridge.RequestReset();
            Interlocked.Increment(ref _resetRequested); // only ends the starvation count (the bridge resets itself)
            return;
        }

        Volatile.Write(ref _resetPosition, long.MaxValue);
        Interlocked.Increment(ref _resetRequested);
    }

    /// <summary>
    /// Asks the audio thread to discard exactly what was written so far (a new session starts with the next
    /// <see cref="Write"/>), and prime again. Receiver thread (the producer) only.
    /// </summary>
    public void ResetFromProducer()
    {
        if (_bridge is { } bridge)
        {
            if (Interlocked.Exchange(ref _pendingBridge, null) is { } next)
            {
                // A fresh bridge for the new session's rate: nothing of the old session is in it.
                Volatile.Write(ref _bridge, next);
                return;
            }

            bridge.ResetFromProducer();
            Interlocked.Increment(ref _resetRequested); // only ends the starvation count (the bridge resets itself)
            return;
        }

        Volatile.Write(ref _resetPosition, _producer!.TotalWritten);
        Interlocked.Increment(ref _resetRequested); // full fence: the position is visible before the request
    }

    // Without drift compensation the fill is not steered, so a surplus left by the start of a session or by a
    // stall of this side (a period the peer ran and this side did not) would stay for good as added latency.
    // The target is the fill a read starts from (playback starts when a read finds max(target, block) frames), so
    // what a read should leave is max(target − block, 0): with latency_frames = one block, nothing — a block is
    // played as soon as it has arrived. When the smallest fill left over about a second exceeds that by a block
    // or more, that much was never needed against jitter: skip it (one discontinuity, instead of latency for good).
    private void DropPersistentSurplus(int left, int frames)
    {
        _windowMin = Math.Min(_windowMin, left);
        if (++_windowReads < _windowLength)
        {
            return;
        }

        int surplus = _windowMin - Math.Max(_targetFrames - frames, 0);
        if (surplus >= frames)
        {
            _consumer!.Skip(surplus * _channels);
            Volatile.Write(ref _skippedFrames, _skippedFrames + surplus);
        }

        _windowReads = 0;
        _windowMin = int.MaxValue;
    }

    /// <summary>
    /// Fills the first <paramref name="frames"/> frames of <paramref name="destination"/> (planar): buffered audio
    /// once the target fill was reached (resampled to this side's clock with drift compensation), silence while
    /// priming and for an underflow (which re-primes). Audio thread: yes (no allocation, no lock).
    /// </summary>
    public void Read(AudioBuffer destination, int frames)
    {
        if (_readBridge is not null)
        {
            ClockBridge bridge = Volatile.Read(ref _bridge)!;
            if (bridge != _readBridge)
            {
                Volatile.Write(ref _retiredUnderflows, _retiredUnderflows + _readBridge.Underflows);
                _readBridge = bridge;
                _starved = false;
            }

            int resets = Volatile.Read(ref _resetRequested);
            if (resets != _resetSeen)
            {
                _resetSeen = resets;
                _starved = false;
            }

            long before = bridge.Underflows;
            bridge.Read(destination, frames);
            if (bridge.Underflows != before)
            {
                Volatile.Write(ref _concealedFrames, _concealedFrames + frames);
                _starved = true;
                CountStarved();
            }
            else if (!bridge.IsPriming)
            {
                _starved = false;
            }
            else if (_starved)
            {
                CountStarved();
            }

            return;
        }

        RingConsumer<float> consumer = _consumer!;
        int requested = Volatile.Read(ref _resetRequested);
        if (requested != _resetSeen)
        {
            _resetSeen = requested;
            long upTo = Volatile.Read(ref _resetPosition);
            consumer.Skip(upTo == long.MaxValue ? int.MaxValue : (int)Math.Min(upTo - consumer.TotalRead, int.MaxValue));
            Volatile.Write(ref _playing, false);
            _starved = false;
        }

        int available = consumer.AvailableToRead / _channels;
        if (!_playing)
        {
            if (available < Math.Max(_targetFrames, frames))
            {
                destination.Clear(frames);
                if (_starved)
                {
                    CountStarved();
                }

                return;
            }

            Volatile.Write(ref _playing, true);
            _starved = false;
        }

        if (available >= frames)
        {
            consumer.TryReadFrames(destination, frames);
            DropPersistentSurplus(available - frames, frames);
            return;
        }

        if (available > 0)
        {
            consumer.TryReadFrames(destination, available);
        }

        for (int c = 0; c < destination.Channels; c++)
        {
            destination.GetChannel(c, frames)[available..].Clear();
        }

        Volatile.Write(ref _underflows, _underflows + 1);
        Volatile.Write(ref _concealedFrames, _concealedFrames + (frames - available));
        Volatile.Write(ref _playing, false);
        _starved = true;
        CountStarved();
    }

    private void CountStarved() => Volatile.Write(ref _starvedBlocks, _starvedBlocks + 1);
}
