using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Dsp.Tests.Clocking;

/// <summary>
/// Two clocks in virtual time, one writing a 1 kHz sine (in its own samples) into a <see cref="ClockBridge"/> and
/// one reading it, each at its nominal rate (48 kHz unless set) × (1 + its drift). Events run in time order on
/// one thread, so hours of drift take seconds and every run is deterministic.
/// </summary>
internal sealed class BridgeSimulation
{
    public const double Rate = 48000;

    public double ProducerRate { get; init; } = Rate;

    public double ConsumerRate { get; init; } = Rate;

    public required double ProducerPpm { get; init; }

    public required double ConsumerPpm { get; init; }

    public int ProducerBlock { get; init; } = 64;

    public int ConsumerBlock { get; init; } = 64;

    public ResamplerQuality Quality { get; init; } = ResamplerQuality.Medium;

    public int? LatencyFrames { get; init; }

    /// <summary>
    /// The producer's blocks arrive in pairs: every other write waits for the next one (a producer whose cycles run
    /// back to back after a late one, as a loaded non-real-time JACK dummy driver's do).
    /// </summary>
    public bool PairedWrites { get; init; }

    /// <summary>The bridge's adaptive target (<see cref="ClockBridgeOptions.AdaptiveLatency"/>).</summary>
    public bool AdaptiveLatency { get; init; }

    /// <summary>Where the first read falls in the producer's period (0..1), the phase between writes and reads; null: a third of the consumer's.</summary>
    public double? ReadPhase { get; init; }

    /// <summary>Producer drift after <see cref="StepAtSeconds"/>, ppm (null: no step).</summary>
    public double? StepToPpm { get; init; }

    public double StepAtSeconds { get; init; }

    /// <summary>The consumer stalls this long at <see cref="StallAtSeconds"/>, then catches up with back-to-back reads (ms; 0: none).</summary>
    public double StallMs { get; init; }

    public double StallAtSeconds { get; init; }

    /// <summary>Largest |ratio − expected| seen from the stall to the end, ppm.</summary>
    public double PeakRatioDeviationAfterStallPpm { get; private set; }

    /// <summary>Consumer output kept at the end for analysis, frames.</summary>
    public int KeepFrames { get; init; } = 24000;

    // Results.
    public ClockBridge Bridge { get; private set; } = null!;

    public float[] Tail { get; private set; } = [];

    /// <summary>Last time the smooth fill was more than 1 frame from target, before the step (seconds).</summary>
    public double LockInSeconds { get; private set; }

    /// <summary>Time from the step to the last time the fill was more than 1 frame from target (seconds).</summary>
    public double RelockSeconds { get; private set; }

    public double MinFillAfterLock { get; private set; } = double.MaxValue;

    public double MaxFillAfterLock { get; private set; } = double.MinValue;

    public int MinRingFillAfterLock { get; private set; } = int.MaxValue;

    /// <summary>Mean of the smooth fill after lock: the bridge's latency, producer frames.</summary>
    public double MeanFillAfterLock { get; private set; }

    /// <summary>Largest |ratio − expected| after lock, ppm: how far the loop bends the pitch.</summary>
    public double PeakRatioDeviationAfterLockPpm { get; private set; }

    /// <summary>Largest target after lock, producer frames.</summary>
    public double MaxTargetAfterLock { get; private set; }

    public int MaxRingFillAfterLock { get; private set; } = int.MinValue;

    public long UnderflowsAfterLock { get; private set; }

    public long OverflowsAfterLock { get; private set; }

    /// <summary>Tone frequency over the last <see cref="MeasureSeconds"/>, in cycles per consumer sample.</summary>
    public double CyclesPerConsumerSample { get; private set; }

    public double MeasureSeconds { get; init; } = 60;

    public void Run(double seconds, double lockedAfterSeconds)
    {
        var time = new VirtualTime();
        Bridge = new ClockBridge(1, ConsumerRate, new ClockBridgeOptions
        {
            ProducerSampleRate = ProducerRate,
            ProducerBlockFrames = ProducerBlock,
            ConsumerBlockFrames = ConsumerBlock,
            LatencyFrames = LatencyFrames,
            Quality = Quality,
            AdaptiveLatency = AdaptiveLatency,
        }, time);
        var src = new AudioBuffer(1, ProducerBlock);
        var dst = new AudioBuffer(1, ConsumerBlock);
        var tail = new float[KeepFrames];
        long tailWritten = 0;
        // One second of the producer's samples holds exactly 1000 cycles: the phase wraps there.
        float[] sine = Enumerable.Range(0, (int)ProducerRate).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / ProducerRate))).ToArray();
        double producerPeriod = ProducerBlock / (ProducerRate * (1 + (ProducerPpm * 1e-6))) * 1e9;
        double consumerPeriod = ConsumerBlock / (ConsumerRate * (1 + (ConsumerPpm * 1e-6))) * 1e9;
        double tp = 0, tc = ReadPhase is { } phaseFraction ? producerPeriod * phaseFraction : consumerPeriod / 3;
        long phase = 0;
        double end = seconds * 1e9;
        double measureFrom = end - (MeasureSeconds * 1e9);
        double stepAt = StepToPpm is null ? double.MaxValue : StepAtSeconds * 1e9;
        bool stepped = false;
        double lastOff = 0, lastOffAfterStep = 0;
        long underflowsAtLock = -1, overflowsAtLock = 0;
        var crossings = new RisingZeroCrossings();
        long consumerSample = 0;
        double fillSum = 0;
        long fillReads = 0;
        double stallAt = StallMs > 0 ? StallAtSeconds * 1e9 : double.MaxValue;
        double stallEnd = stallAt + (StallMs * 1e6);
        double expectedPpm = ((1 + (ProducerPpm * 1e-6)) / (1 + (ConsumerPpm * 1e-6)) - 1) * 1e6;
        // A read due during the stall happens at its end (then the next ones follow back to back).
        double ReadTime(double due) => due >= stallAt && due < stallEnd ? stallEnd : due;
        while (tp < end || tc < end)
        {
            // A paired write is due one period minus a hair later, just before its partner.
            double writeAt = PairedWrites && (phase / ProducerBlock) % 2 == 0 ? tp + (producerPeriod * 0.99) : tp;
            if (writeAt <= ReadTime(tc))
            {
                time.Nanoseconds = (long)writeAt;
                Span<float> s = src.GetChannel(0, ProducerBlock);
                for (int i = 0; i < s.Length; i++)
                {
                    s[i] = sine[(int)(phase++ % sine.Length)];
                }

                Bridge.Write(src, ProducerBlock);
                if (!stepped && tp >= stepAt)
                {
                    stepped = true;
                    producerPeriod = ProducerBlock / (ProducerRate * (1 + (StepToPpm!.Value * 1e-6))) * 1e9;
                }

                tp += producerPeriod;
                continue;
            }

            time.Nanoseconds = (long)ReadTime(tc);
            Bridge.Read(dst, ConsumerBlock);
            if (tc >= stallAt)
            {
                PeakRatioDeviationAfterStallPpm = Math.Max(PeakRatioDeviationAfterStallPpm, Math.Abs(Bridge.RatioPpm - expectedPpm));
            }

            double off = Math.Abs(Bridge.FillFrames - Bridge.TargetFrames);
            if (off > 1)
            {
                if (stepped)
                {
                    lastOffAfterStep = tc;
                }
                else
                {
                    lastOff = tc;
                }
            }

            if (tc >= lockedAfterSeconds * 1e9)
            {
                if (underflowsAtLock < 0)
                {
                    underflowsAtLock = Bridge.Underflows;
                    overflowsAtLock = Bridge.Overflows;
                }

                MinFillAfterLock = Math.Min(MinFillAfterLock, Bridge.FillFrames);
                fillSum += Bridge.FillFrames;
                fillReads++;
                MaxTargetAfterLock = Math.Max(MaxTargetAfterLock, Bridge.TargetFrames);
                PeakRatioDeviationAfterLockPpm = Math.Max(PeakRatioDeviationAfterLockPpm, Math.Abs(Bridge.RatioPpm - expectedPpm));
                MaxFillAfterLock = Math.Max(MaxFillAfterLock, Bridge.FillFrames);
                MinRingFillAfterLock = Math.Min(MinRingFillAfterLock, Bridge.RingFillFrames);
                MaxRingFillAfterLock = Math.Max(MaxRingFillAfterLock, Bridge.RingFillFrames);
            }

            ReadOnlySpan<float> o = dst.GetChannel(0, ConsumerBlock);
            for (int i = 0; i < o.Length; i++, consumerSample++)
            {
                tail[tailWritten++ % KeepFrames] = o[i];
                crossings.Add(o[i], consumerSample, measure: tc >= measureFrom);
            }

            tc += consumerPeriod;
        }

        Tail = new float[KeepFrames];
        for (int i = 0; i < KeepFrames; i++)
        {
            Tail[i] = tail[(tailWritten + i) % KeepFrames];
        }

        MeanFillAfterLock = fillSum / Math.Max(1, fillReads);
        UnderflowsAfterLock = Bridge.Underflows - Math.Max(0, underflowsAtLock);
        OverflowsAfterLock = Bridge.Overflows - overflowsAtLock;
        LockInSeconds = lastOff / 1e9;
        RelockSeconds = stepped && lastOffAfterStep > 0 ? (lastOffAfterStep - stepAt) / 1e9 : 0;
        CyclesPerConsumerSample = crossings.CyclesPerSample;
    }
}
