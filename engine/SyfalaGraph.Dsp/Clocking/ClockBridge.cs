using System.Diagnostics;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Rings;
using SyfalaGraph.Dsp.Resampling;

namespace SyfalaGraph.Dsp.Clocking;

// Design: one producer thread (a clock domain, or a network receiver) writes interleaved frames into an
// SPSC ring; one consumer thread (another domain's audio thread) reads exactly the frames it needs through
// a PolyphaseResampler whose ratio a DriftController steers so that the fill stays at its target.
//
// Measuring the fill: the fill seen by the consumer jumps by a whole producer block at each write, and when
// the two clocks drift the phase between writes and reads turns slowly, so the sampled fill is a sawtooth
// beating at (drift × rate / block) Hz — 0.3 Hz for 400 ppm at 64 frames — too slow to filter away and
// audible as wow once the loop follows it. Instead the producer publishes, with each write, the total
// frames written and the time of the write (a seqlock pair); the consumer extrapolates the producer's
// position to "now" at the nominal rate (by at most the last write's length), which is smooth, and
// subtracts its own position, which includes the resampler's fractional read point. Time comes from a
// TimeProvider: the system's monotonic clock, or the engine's virtual timeline in simulations.
//
// Start, under- and overflow: the consumer outputs silence until the fill reaches its target (priming),
// then drops any backlog beyond it (the consumer may start long after the producer) so the loop starts
// at zero error. A read that would need frames not yet written outputs silence, counts an underflow and
// primes again; a write that does not fit is dropped and counted, and a fill that stays four blocks above
// target for a quarter of a second (a consumer that stalled and will not catch up) is skipped back to it. A
// consumer that catches up after a stall (reads back to back) gets its backlog played, not skipped: skipping it
// would leave the fill that far below target once caught up. These are recoveries from faults, not steady state.
// The integrator keeps the learnt drift across a re-prime, so the loop does not have to lock again.
// A thread that runs late (a loaded machine, a page fault) makes the fill jump by its delay for a few blocks, while
// drift moves it by a fraction of a frame per block: the error given to the loop is limited to ± one producer plus
// one consumer block, so a 50 ms stall nudges the ratio by a few hundred ppm instead of kicking it to its limit.
//
// Two nominal rates (a 48 kHz peer feeding a 44.1 kHz graph): the ring holds producer frames, so the fill,
// the target and the extrapolation are counted at the producer's rate; the resampler's step is the nominal
// ratio R0 = producer rate / consumer rate times the controller's 1 + drift, and its filter is stretched when
// R0 > 1 so its cutoff sits at the consumer's half rate. The controller sees the error divided by R0 (in
// consumer frames), which keeps its loop gains those of the unity case.
//
// Adaptive latency (ClockBridgeOptions.AdaptiveLatency, an adaptive jitter buffer): a fixed target must cover the
// worst phase between writes and reads — a read just before a write finds a whole producer block less than the
// mean — so it holds one producer block more than a read needs. When the two sides keep a steady phase (clocks
// within a few ppm), every read comes about the same time after the last write, and most of that block is wasted.
// The adaptive target is what one read needs, plus AdaptiveMarginFrames, plus the depth reads have shown lately:
// how far the frames a read finds fall below the mean fill — the time since the last write when writes are evenly
// spaced, more when they come in bursts — peak-held and released by one producer block per AdaptiveReleaseSeconds.
// A read that finds the last write nearer than the guard counts as missing it (the worst phase): a little jitter
// could make the next write land after the next read. The guard is AdaptiveMarginFrames, plus, when the producer
// runs slow (the learnt drift is negative, so writes creep towards the reads), the distance the phase creeps in
// AdaptiveAnticipationSeconds: the target rises well before a write slips past a read. Clocks so far apart that the
// phase sweeps a whole block within that time (133 ppm at 64 frames and 48 kHz) get the worst phase: there is
// nothing the loop could follow there. Rises are slewed (a block per AdaptiveRiseSeconds) so the loop bends the
// ratio by a few hundred ppm, not thousands; the drift that moves the phase is the loop's learnt drift plus the
// slope of the target (a rising target makes the loop read slower, which its integrator would take for drift). A
// write that comes later than its usual lead is missed by a read: that read underflows, and the bridge primes again
// at the worst phase's target, to come down over the next seconds. So adaptive trades an underflow now and then, on a loaded machine,
// for up to a block less latency with steady writes — and more latency, but no underflow, with writes in bursts,
// which a fixed target at its minimum does not cover (it assumes evenly spaced writes).

/// <summary>
/// Carries audio from one clock domain to another: an SPSC ring plus an adaptive resampler on the consumer
/// side that holds the ring at a target latency, so clock drift between the two sides is compensated
/// instead of slipping into xruns. Serves domain-to-domain links and network receivers (the jitter buffer).
/// <see cref="Write(AudioBuffer,int)"/> belongs to one producer thread, <see cref="Read"/> to one consumer
/// thread; the statistics may be read from any thread. Audio thread: yes for Write and Read (no allocation,
/// no lock, no exception on the steady-state path).
/// </summary>
public sealed class ClockBridge
{
    private readonly int _channels;
    private readonly double _nominalRatio;
    private readonly TimeProvider _time;
    private readonly double _framesPerTick;
    private readonly RingProducer<float> _producer;
    private readonly RingConsumer<float> _consumer;
    private readonly PolyphaseResampler _resampler;
    private readonly DriftController _controller;
    private readonly AudioBuffer _staging;
    private readonly int _maxConsumerFrames;
    private readonly int _maxConsumerInputFrames;
    private readonly int _resyncMargin;
    private readonly int _errorLimit;
    private readonly long _surplusPersistTicks;
    private readonly bool _adaptive;
    private readonly double _adaptiveBase;
    private readonly double _releasePerConsumerFrame;
    private readonly double _risePerConsumerFrame;
    private readonly int _producerBlockFrames;

    // Producer-published stamp: total frames written at time _stampTicks; _stampVersion odd while updating.
    private long _stampVersion;
    private long _stampFrames;
    private long _stampTicks;
    private int _stampLastWrite;
    private long _producerFrames;
    private long _overflows;

    // Consumer state.
    private int _resetRequested;
    private int _resetSeen;
    private long _resetPosition = long.MaxValue;
    private long _readStampFrames;
    private long _readStampTicks;
    private int _readStampLastWrite;
    private int _stagedFrames;
    private double _position;
    private bool _priming = true;
    private long _underflows;
    private long _outputFrames;
    private double _ratio;
    private double _smoothFill;
    private long _surplusSinceTicks = -1;
    private int _ringFill;
    private double _depthPeak;
    private double _meanFill;
    private double _targetSlope;
    private double _target;

    /// <summary>Creates a bridge (allocates the ring, staging buffers and filter; not on the audio thread).</summary>
    /// <param name="channels">Channels carried (≥ 1).</param>
    /// <param name="sampleRate">
    /// Nominal sample rate of the consumer, Hz; also the producer's unless <see cref="ClockBridgeOptions.ProducerSampleRate"/> says otherwise.
    /// </param>
    /// <param name="options">Block sizes, target latency, quality, loop bandwidth, producer rate.</param>
    /// <param name="time">The clock both sides read; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A size or rate is not positive, the two rates are more than 16 times apart, or the latency is below
    /// <see cref="MinimumLatencyFrames"/>.
    /// </exception>
    public ClockBridge(int channels, double sampleRate, ClockBridgeOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sampleRate, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ProducerBlockFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConsumerBlockFrames, 1);
        double producerRate = options.ProducerSampleRate ?? sampleRate;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(producerRate, 0);
        _channels = channels;
        SampleRate = sampleRate;
        ProducerSampleRate = producerRate;
        _nominalRatio = producerRate / sampleRate;
        _ratio = _nominalRatio;
        if (_nominalRatio > 16 || _nominalRatio < 1.0 / 16)
        {
            throw new ArgumentOutOfRangeException(nameof(options), producerRate,
                $"cannot convert {producerRate} Hz to {sampleRate} Hz: the rates are more than 16 times apart");
        }

        _time = time ?? TimeProvider.System;
        _framesPerTick = producerRate / _time.TimestampFrequency;
        _resampler = new PolyphaseResampler(options.Quality, _nominalRatio);
        Quality = options.Quality;
        MinimumLatencyFrames = MinimumLatency(options.ProducerBlockFrames, options.ConsumerBlockFrames, options.Quality, _nominalRatio);
        int latency = options.LatencyFrames ?? DefaultLatency(options.ProducerBlockFrames, options.ConsumerBlockFrames, options.Quality, _nominalRatio);
        if (latency < MinimumLatencyFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(options), latency,
                $"latency_frames {latency} is below the minimum of {MinimumLatencyFrames} frames for blocks of {options.ProducerBlockFrames} → {options.ConsumerBlockFrames} frames at {options.Quality} quality");
        }

        LatencyFrames = latency;
        _target = latency;
        double maxDeviation = options.MaxDriftPpm * 1e-6;
        _controller = new DriftController(sampleRate, options.LoopBandwidthHz, maxDeviation);
        _maxConsumerFrames = options.ConsumerBlockFrames;
        _maxConsumerInputFrames = (int)Math.Ceiling(options.ConsumerBlockFrames * _nominalRatio * (1 + maxDeviation));
        _resyncMargin = 4 * Math.Max(options.ProducerBlockFrames, _maxConsumerInputFrames);
        _errorLimit = options.ProducerBlockFrames + _maxConsumerInputFrames;
        _surplusPersistTicks = _time.TimestampFrequency / 4;
        _producerBlockFrames = options.ProducerBlockFrames;
        if (options.AdaptiveLatency)
        {
            // What one read needs (its input frames and the filter's look-ahead, as in the minimum) plus the margin; the
            // peak starts at a whole producer block (the worst phase) and comes down as reads show where writes land.
            _adaptive = true;
            _adaptiveBase = MinimumLatencyFrames - options.ProducerBlockFrames + AdaptiveMarginFrames;
            _depthPeak = options.ProducerBlockFrames;
            _releasePerConsumerFrame = options.ProducerBlockFrames / (AdaptiveReleaseSeconds * sampleRate);
            _risePerConsumerFrame = options.ProducerBlockFrames / (AdaptiveRiseSeconds * sampleRate);
            _target = Math.Min(latency, _adaptiveBase + _depthPeak);
        }
        int ringFrames = Math.Max(4 * latency, latency + (4 * (options.ProducerBlockFrames + _maxConsumerInputFrames)));
        (_producer, _consumer) = SpscRing.Create<float>(ringFrames * channels);
        int hl = _resampler.HalfLength;
        _staging = new AudioBuffer(channels, (2 * hl) + _maxConsumerInputFrames + 4);
    }

    /// <summary>Channels carried.</summary>
    public int Channels => _channels;

    /// <summary>Nominal sample rate of the consumer (the output), Hz.</summary>
    public double SampleRate { get; }

    /// <summary>Nominal sample rate of the producer (the input), Hz; the frame counts of the ring are at this rate.</summary>
    public double ProducerSampleRate { get; }

    /// <summary>
    /// Target latency (mean fill), frames at <see cref="ProducerSampleRate"/>; with <see cref="ClockBridgeOptions.AdaptiveLatency"/>,
    /// the ceiling of <see cref="TargetFrames"/>.
    /// </summary>
    public int LatencyFrames { get; }

    /// <summary>
    /// The fill the controller holds now, frames at <see cref="ProducerSampleRate"/>: <see cref="LatencyFrames"/>, or with
    /// <see cref="ClockBridgeOptions.AdaptiveLatency"/> what one read needs plus <see cref="AdaptiveMarginFrames"/> plus the
    /// peak-held depth of reads below the mean fill (see the class's Design note), at most <see cref="LatencyFrames"/>.
    /// </summary>
    public double TargetFrames => Volatile.Read(ref _target);

    /// <summary>Whether the target adapts to the measured timing (<see cref="ClockBridgeOptions.AdaptiveLatency"/>).</summary>
    public bool AdaptiveLatency => _adaptive;

    /// <summary>
    /// Frames an adaptive target keeps above what one read needs and the write-to-read gap it has seen (8: the fill's
    /// own noise), and the nearest a write may land before a read before it counts as the worst phase.
    /// </summary>
    public const int AdaptiveMarginFrames = 8;

    /// <summary>Seconds an adaptive target takes to come down by one producer block once the gaps that raised it are gone (10).</summary>
    public const double AdaptiveReleaseSeconds = 10;

    /// <summary>How far ahead, in seconds, an adaptive target sees a slow producer's writes creep towards the reads (10).</summary>
    public const double AdaptiveAnticipationSeconds = 10;

    /// <summary>
    /// Seconds an adaptive target takes, at the fastest, to rise by one producer block while playing (5): the loop then
    /// bends the ratio by about a block per 5 s (270 ppm at 64 frames and 48 kHz, half a cent) rather than by thousands
    /// of ppm for a step. After an underflow the bridge primes again straight to the new target.
    /// </summary>
    public const double AdaptiveRiseSeconds = 5;

    /// <summary>The smallest latency that cannot underflow with perfectly regular threads, frames at <see cref="ProducerSampleRate"/>.</summary>
    public int MinimumLatencyFrames { get; }

    /// <summary>The interpolation filter quality.</summary>
    public ResamplerQuality Quality { get; }

    /// <summary>
    /// Writes dropped because the ring was full (each loses one write's frames), and backlogs skipped because the
    /// fill stayed more than four blocks above target for 0.25 s (each skips to the target).
    /// </summary>
    public long Overflows => Volatile.Read(ref _overflows);

    /// <summary>Reads that found too few frames and output silence.</summary>
    public long Underflows => Volatile.Read(ref _underflows);

    /// <summary>Frames the consumer has read (output) so far, silence included.</summary>
    public long FramesRead => Volatile.Read(ref _outputFrames);

    /// <summary>Frames the producer has written so far.</summary>
    public long FramesWritten => Volatile.Read(ref _producerFrames);

    /// <summary>The fill the controller holds at <see cref="TargetFrames"/>, measured before the last read, producer frames.</summary>
    public double FillFrames => Volatile.Read(ref _smoothFill);

    /// <summary>Frames in the ring when the last read began (a sawtooth around the target as writes arrive).</summary>
    public int RingFillFrames => Volatile.Read(ref _ringFill);

    /// <summary>
    /// The drift correction of the last read, in ppm: the resampling ratio over its nominal value, minus 1; positive
    /// when the producer's clock runs faster than its nominal rate says.
    /// </summary>
    public double RatioPpm => ((Volatile.Read(ref _ratio) / _nominalRatio) - 1) * 1e6;

    /// <summary>True while waiting for the fill to reach the target (at start and after an underflow).</summary>
    public bool IsPriming => Volatile.Read(ref _priming);

    /// <summary>
    /// The default target latency for these block sizes and quality, producer frames: the minimum plus one block of
    /// margin for scheduling jitter (1.3 ms at 64 frames and 48 kHz) — 210 frames for 64-frame blocks at medium
    /// quality and equal rates.
    /// </summary>
    /// <param name="producerBlockFrames">Largest producer write, producer frames.</param>
    /// <param name="consumerBlockFrames">Largest consumer read, consumer frames.</param>
    /// <param name="quality">Interpolation filter quality.</param>
    /// <param name="nominalRatio">Producer rate / consumer rate.</param>
    public static int DefaultLatency(int producerBlockFrames, int consumerBlockFrames, ResamplerQuality quality, double nominalRatio = 1) =>
        MinimumLatency(producerBlockFrames, consumerBlockFrames, quality, nominalRatio)
        + Math.Max(producerBlockFrames, (int)Math.Ceiling(consumerBlockFrames * nominalRatio));

    /// <summary>
    /// The smallest target latency for these block sizes and quality, producer frames: one producer block (the fill
    /// dips by that much just before a write) plus what one consumer block reads plus the filter's look-ahead.
    /// </summary>
    /// <param name="producerBlockFrames">Largest producer write, producer frames.</param>
    /// <param name="consumerBlockFrames">Largest consumer read, consumer frames.</param>
    /// <param name="quality">Interpolation filter quality.</param>
    /// <param name="nominalRatio">Producer rate / consumer rate.</param>
    public static int MinimumLatency(int producerBlockFrames, int consumerBlockFrames, ResamplerQuality quality, double nominalRatio = 1) =>
        producerBlockFrames + (int)Math.Ceiling(consumerBlockFrames * nominalRatio) + PolyphaseResampler.HalfLengthFor(quality, nominalRatio) + 2;

    /// <summary>
    /// Producer: writes the first <paramref name="frames"/> frames of <paramref name="source"/> (planar,
    /// <see cref="Channels"/> channels). All or nothing: when the ring is full the write is dropped and counted.
    /// Audio thread: yes.
    /// </summary>
    /// <returns>True when written.</returns>
    public bool Write(AudioBuffer source, int frames)
    {
        if (frames <= 0)
        {
            return true;
        }

        if (!_producer.TryWriteFrames(source, frames))
        {
            Volatile.Write(ref _overflows, _overflows + 1);
            return false;
        }

        Stamp(frames);
        return true;
    }

    /// <summary>
    /// Producer: writes <paramref name="interleaved"/>.Length / <see cref="Channels"/> interleaved frames (L R L R…).
    /// All or nothing. Audio thread: yes.
    /// </summary>
    /// <returns>True when written.</returns>
    public bool Write(ReadOnlySpan<float> interleaved)
    {
        int frames = interleaved.Length / _channels;
        if (frames == 0)
        {
            return true;
        }

        if (!_producer.TryWrite(interleaved[..(frames * _channels)]))
        {
            Volatile.Write(ref _overflows, _overflows + 1);
            return false;
        }

        Stamp(frames);
        return true;
    }

    /// <summary>
    /// Asks the consumer to discard everything buffered and prime again at its next read (a new session, a peer
    /// that came back). The learnt drift is kept. Any thread; the consumer carries it out, so the ring keeps one reader.
    /// </summary>
    public void RequestReset()
    {
        Volatile.Write(ref _resetPosition, long.MaxValue);
        Interlocked.Increment(ref _resetRequested);
    }

    /// <summary>
    /// Producer: asks the consumer to discard exactly what was written so far — a new session starts with the next
    /// write, whose first frames may already be buffered when the consumer notices — and prime again.
    /// Producer thread only.
    /// </summary>
    public void ResetFromProducer()
    {
        Volatile.Write(ref _resetPosition, _producer.TotalWritten);
        Interlocked.Increment(ref _resetRequested); // full fence: the position is visible before the request
    }

    /// <summary>
    /// Consumer: fills the first <paramref name="frames"/> frames of every channel of <paramref name="destination"/>
    /// (planar, <see cref="Channels"/> channels) with the producer's audio resampled to follow the consumer's
    /// clock, or with silence while priming or on an underflow. Audio thread: yes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">More frames than <see cref="ClockBridgeOptions.ConsumerBlockFrames"/>.</exception>
    public void Read(AudioBuffer destination, int frames)
    {
        if (frames > _maxConsumerFrames)
        {
            ThrowTooManyFrames();
        }

        if (frames <= 0)
        {
            return;
        }

        int requested = Volatile.Read(ref _resetRequested);
        if (requested != _resetSeen)
        {
            _resetSeen = requested;
            long upTo = Volatile.Read(ref _resetPosition);
            _consumer.Skip(upTo == long.MaxValue ? int.MaxValue : (int)Math.Min(upTo - _consumer.TotalRead, int.MaxValue));
            Volatile.Write(ref _priming, true);
            _depthPeak = _producerBlockFrames; // a new session: where its writes land is not known yet
        }

        int hl = _resampler.HalfLength;
        long now = _time.GetTimestamp();
        ReadStamp();
        // Producer position extrapolated to now (at most one write ahead).
        double ahead = Math.Clamp((now - _readStampTicks) * _framesPerTick, 0, _readStampLastWrite);
        int ringFrames = _consumer.AvailableToRead / _channels;
        if (_priming)
        {
            // Start with hl − 1 frames of silent history so the first real frame sits at the read position.
            _stagedFrames = hl - 1;
            _position = hl - 1;
        }

        double fill = Fill(ahead);
        if (_priming)
        {
            if (_adaptive)
            {
                Volatile.Write(ref _target, PeakTarget);
            }

            if (fill < _target || ringFrames < (frames * _nominalRatio) + hl + 1)
            {
                Publish(ringFrames, fill);
                Silence(destination, frames);
                return;
            }

            // The consumer may start well after the producer: drop the backlog so the fill starts at its target.
            Resync(ref ringFrames, ref fill);
            _meanFill = fill;
            _staging.Clear(hl - 1);
            _surplusSinceTicks = -1;
            Volatile.Write(ref _priming, false);
        }
        else if (fill <= _target + _resyncMargin)
        {
            _surplusSinceTicks = -1;
        }
        else if (_surplusSinceTicks < 0)
        {
            _surplusSinceTicks = now;
        }
        else if (now - _surplusSinceTicks > _surplusPersistTicks)
        {
            // Far above target for good (the consumer stalled and did not catch up, or the producer burst): skip to
            // the target rather than play that late; counted with the overflows since audio is discarded.
            Resync(ref ringFrames, ref fill);
            Volatile.Write(ref _overflows, _overflows + 1);
            _surplusSinceTicks = -1;
        }

        Publish(ringFrames, fill);
        if (_adaptive)
        {
            Adapt(fill, ahead, frames);
        }

        double error = Math.Clamp(fill - _target, -_errorLimit, _errorLimit);
        double ratio = _nominalRatio * _controller.Update(error / _nominalRatio, frames);
        Volatile.Write(ref _ratio, ratio);
        int needed = (int)Math.Floor(_position + ((frames - 1) * ratio)) + hl + 1 - _stagedFrames;
        if (needed > 0)
        {
            if (!_consumer.TryReadFrames(_staging, _stagedFrames, needed))
            {
                Volatile.Write(ref _underflows, _underflows + 1);
                Volatile.Write(ref _priming, true);
                Silence(destination, frames);
                return;
            }

            _stagedFrames += needed;
        }

        double next = _position;
        for (int c = 0; c < _channels; c++)
        {
            next = _resampler.Interpolate(_staging.GetChannel(c, _stagedFrames), _position, ratio, destination.GetChannel(c, frames));
        }

        // Drop the history no longer needed (keep hl − 1 frames before the read position).
        int drop = (int)Math.Floor(next) - (hl - 1);
        if (drop > 0)
        {
            for (int c = 0; c < _channels; c++)
            {
                Span<float> ch = _staging.GetChannel(c, _stagedFrames);
                ch[drop..].CopyTo(ch);
            }

            _stagedFrames -= drop;
            next -= drop;
        }

        _position = next;
        Volatile.Write(ref _outputFrames, _outputFrames + frames);
    }

    // Adaptive target, while playing (see the Design note). The depth of a read is how far the frames it finds
    // (fill − ahead, ahead being the time since the last write, at most that write's length) fall below the mean fill
    // over 0.1 s: ahead itself for evenly spaced writes; with writes in bursts the extrapolated fill dips between
    // bursts too, and the depth counts that. A write nearer than the guard counts as missed: a whole write, as at the
    // fixed target's worst phase. Priming (after an underflow) goes straight to the peak's target.
    private void Adapt(double fill, double ahead, int frames)
    {
        // The drift the phase moves by: the loop's learnt drift plus the slope of the target it follows (a rising target
        // makes the loop read slower, which its integrator learns as drift; that part does not move the phase).
        double drift = _controller.Drift + _targetSlope;
        double creep = Math.Max(0, -drift) * ProducerSampleRate * AdaptiveAnticipationSeconds;
        // Clocks far apart sweep the phase through a whole block in less than the anticipation time: nothing to gain
        // that the loop could follow, so such a bridge holds the worst phase like a fixed one.
        bool sweeping = Math.Abs(drift) * ProducerSampleRate * AdaptiveAnticipationSeconds >= _producerBlockFrames;
        _meanFill += (fill - _meanFill) * Math.Min(1, frames / (MeanFillSeconds * SampleRate));
        double depth = _meanFill - fill + (sweeping || ahead < AdaptiveMarginFrames + creep ? _readStampLastWrite : ahead);
        _depthPeak = Math.Max(depth, _depthPeak - (_releasePerConsumerFrame * frames));
        double target = Math.Min(PeakTarget, _target + (_risePerConsumerFrame * frames));
        _targetSlope += (((target - _target) / frames) - _targetSlope) * Math.Min(1, frames / (TargetSlopeSeconds * SampleRate));
        Volatile.Write(ref _target, target);
    }

    private const double TargetSlopeSeconds = 5;

    private const double MeanFillSeconds = 0.1;

    private double PeakTarget => Math.Min(LatencyFrames, _adaptiveBase + _depthPeak);

    // The consumer's position counts what the resampler still holds ahead of its read point.
    private double Fill(double ahead) =>
        _readStampFrames + ahead - ((_consumer.TotalRead / _channels) - (_stagedFrames - _position));

    private void Resync(ref int ringFrames, ref double fill)
    {
        int skip = (int)Math.Min(Math.Floor(fill - _target), ringFrames - _maxConsumerInputFrames - _resampler.HalfLength - 1);
        if (skip > 0)
        {
            _consumer.Skip(skip * _channels);
            ringFrames -= skip;
            fill -= skip;
        }
    }

    private void Publish(int ringFrames, double fill)
    {
        Volatile.Write(ref _ringFill, ringFrames);
        Volatile.Write(ref _smoothFill, fill);
    }

    private void Silence(AudioBuffer destination, int frames)
    {
        destination.Clear(frames);
        Volatile.Write(ref _outputFrames, _outputFrames + frames);
    }

    private void Stamp(int frames)
    {
        long total = _producerFrames + frames;
        long ticks = _time.GetTimestamp();
        // Seqlock: odd version while the three fields change; the consumer keeps its last consistent copy.
        Volatile.Write(ref _stampVersion, _stampVersion + 1);
        Volatile.Write(ref _stampFrames, total);
        Volatile.Write(ref _stampTicks, ticks);
        Volatile.Write(ref _stampLastWrite, frames);
        Volatile.Write(ref _stampVersion, _stampVersion + 1);
        Volatile.Write(ref _producerFrames, total);
    }

    private void ReadStamp()
    {
        long v1 = Volatile.Read(ref _stampVersion);
        if ((v1 & 1) != 0)
        {
            return;
        }

        long frames = Volatile.Read(ref _stampFrames);
        long ticks = Volatile.Read(ref _stampTicks);
        int last = Volatile.Read(ref _stampLastWrite);
        if (Volatile.Read(ref _stampVersion) == v1)
        {
            _readStampFrames = frames;
            _readStampTicks = ticks;
            _readStampLastWrite = last;
        }
    }

    /// <summary>
    /// Runs the producer and consumer paths of a scratch bridge (every quality, fixed and adaptive) so that their code is compiled
    /// before a real audio thread first needs it: a JIT pause in the first blocks would otherwise look like a
    /// stalled consumer. Audio thread: no (allocates).
    /// </summary>
    public static void WarmUpCode()
    {
        foreach ((ResamplerQuality quality, bool adaptive) in Enum.GetValues<ResamplerQuality>().SelectMany(q => new[] { (q, false), (q, true) }))
        {
            var time = new ManualTime();
            var bridge = new ClockBridge(2, 48000, new ClockBridgeOptions { ProducerBlockFrames = 64, ConsumerBlockFrames = 64, Quality = quality, AdaptiveLatency = adaptive }, time);
            var block = new AudioBuffer(2, 64);
            var interleaved = new float[128];
            for (int i = 0; i < 64; i++)
            {
                time.Ticks += time.TimestampFrequency / 750;
                _ = (i & 1) == 0 ? bridge.Write(block, 64) : bridge.Write(interleaved);
                bridge.Read(block, 64);
            }
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }

        public override long GetTimestamp() => Ticks;
    }

    private static void ThrowTooManyFrames() =>
        throw new ArgumentOutOfRangeException("frames", "more frames than the bridge's consumer block size");
}
