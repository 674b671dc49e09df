using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Dsp.Tests.Clocking;

public class ClockBridgeTests
{
    /// <summary>
    /// Drift alone (both at 48 kHz), and drift on top of a rate conversion (44.1 ↔ 48 kHz, and 96 → 48 kHz): the fill
    /// holds, the drift is learnt, and the 1 kHz tone arrives at 1 kHz × the clocks' ratio in the consumer's samples.
    /// </summary>
    [Theory]
    [InlineData(200, -200, 48000, 48000)]
    [InlineData(-200, 200, 48000, 48000)]
    [InlineData(200, -200, 44100, 48000)]
    [InlineData(-200, 200, 48000, 44100)]
    [InlineData(100, 0, 96000, 48000)]
    public void Bridge_locks_and_holds_fill_between_drifting_clocks(double producerPpm, double consumerPpm, double producerRate, double consumerRate)
    {
        var sim = new BridgeSimulation { ProducerPpm = producerPpm, ConsumerPpm = consumerPpm, ProducerRate = producerRate, ConsumerRate = consumerRate };
        sim.Run(seconds: 300, lockedAfterSeconds: 60);
        double expectedPpm = ((1 + (producerPpm * 1e-6)) / (1 + (consumerPpm * 1e-6)) - 1) * 1e6;
        double expectedHz = 1000 * (1 + (expectedPpm * 1e-6));
        double thd = ToneAnalysis.ThdPlusNoiseDb(sim.Tail, sim.CyclesPerConsumerSample);
        double hz = sim.CyclesPerConsumerSample * consumerRate;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{producerRate} Hz {producerPpm:+0;-0} ppm -> {consumerRate} Hz {consumerPpm:+0;-0} ppm: lock-in {sim.LockInSeconds:F1} s; fill {sim.MinFillAfterLock:F2}..{sim.MaxFillAfterLock:F2} " +
            $"(target {sim.Bridge.LatencyFrames}); ring {sim.MinRingFillAfterLock}..{sim.MaxRingFillAfterLock}; ratio {sim.Bridge.RatioPpm:F3} ppm (expected {expectedPpm:F3}); " +
            $"tone {hz:F5} Hz (expected {expectedHz:F5}); THD+N {thd:F1} dB; underflows {sim.Bridge.Underflows}");
        Assert.Equal(0, sim.UnderflowsAfterLock);
        Assert.Equal(0, sim.OverflowsAfterLock);
        Assert.InRange(sim.Bridge.RatioPpm, expectedPpm - 0.5, expectedPpm + 0.5);
        Assert.InRange(hz, expectedHz - 0.001, expectedHz + 0.001);
        Assert.InRange(thd, -200, -90);
    }

    /// <summary>
    /// Adaptive target, clocks on one rate (a steady phase): reads come a third of a block after writes, so the bridge
    /// holds what a read needs (82 frames at 64/64, medium) + 8 + ≈ 21 instead of the fixed minimum's 146 — about 40
    /// frames less latency, no underflow, the same purity.
    /// </summary>
    [Fact]
    public void An_adaptive_target_holds_the_gap_it_sees_not_the_worst_phase()
    {
        var sim = new BridgeSimulation { ProducerPpm = 0, ConsumerPpm = 0, AdaptiveLatency = true, ReadPhase = 1.0 / 3 };
        sim.Run(seconds: 120, lockedAfterSeconds: 60);
        double thd = ToneAnalysis.ThdPlusNoiseDb(sim.Tail, sim.CyclesPerConsumerSample);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"adaptive, steady phase: target {sim.Bridge.TargetFrames:F1} (max after lock {sim.MaxTargetAfterLock:F1}; fixed minimum {sim.Bridge.MinimumLatencyFrames}); " +
            $"mean fill {sim.MeanFillAfterLock:F1}; ring {sim.MinRingFillAfterLock}..{sim.MaxRingFillAfterLock}; THD+N {thd:F1} dB; underflows {sim.Bridge.Underflows} ({sim.UnderflowsAfterLock} after lock)");
        Assert.Equal(0, sim.UnderflowsAfterLock);
        Assert.Equal(0, sim.OverflowsAfterLock);
        Assert.InRange(sim.MeanFillAfterLock, 82 + 8 + 21 - 2, 82 + 8 + 21 + 4);
        Assert.InRange(thd, -200, -90);
    }

    /// <summary>
    /// Writes in pairs (every other block late by a period, then both at once): the fixed minimum, which assumes evenly
    /// spaced writes, underflows; the adaptive target sees the reads' real depth and holds more, with no underflow.
    /// </summary>
    [Fact]
    public void An_adaptive_target_covers_writes_that_come_in_pairs()
    {
        var fixedMinimum = new BridgeSimulation { ProducerPpm = 0, ConsumerPpm = 0, LatencyFrames = 146, PairedWrites = true, ReadPhase = 0.5 };
        fixedMinimum.Run(seconds: 60, lockedAfterSeconds: 30);
        var adaptive = new BridgeSimulation { ProducerPpm = 0, ConsumerPpm = 0, AdaptiveLatency = true, PairedWrites = true, ReadPhase = 0.5 };
        adaptive.Run(seconds: 60, lockedAfterSeconds: 30);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"paired writes: fixed 146 underflows {fixedMinimum.UnderflowsAfterLock} after lock; adaptive target {adaptive.Bridge.TargetFrames:F1}, " +
            $"mean fill {adaptive.MeanFillAfterLock:F1}, ring {adaptive.MinRingFillAfterLock}..{adaptive.MaxRingFillAfterLock}, underflows {adaptive.UnderflowsAfterLock} after lock");
        Assert.True(fixedMinimum.UnderflowsAfterLock > 0);
        Assert.Equal(0, adaptive.UnderflowsAfterLock);
        Assert.True(adaptive.Bridge.TargetFrames > 146);
    }

    /// <summary>
    /// Adaptive target while the phase turns (20 ppm apart: a write crosses a read every 67 s; 40 ppm: every 33 s; 100 ppm:
    /// every 13 s, a sweep faster than the anticipation, so the worst phase is held), with
    /// the producer slow (writes creep towards reads: the target must rise before one slips past) and fast: no
    /// underflow through several crossings, the ratio bent by at most a few hundred ppm (under a cent) while the target
    /// moves, and on average less latency than the fixed minimum (146) — or, 100 ppm apart, than the worst phase's
    /// target (146 + 8), which is all there is to gain when the phase turns that fast.
    /// </summary>
    [Theory]
    [InlineData(-10, 10, 146)]
    [InlineData(10, -10, 146)]
    [InlineData(-20, 20, 146)]
    [InlineData(20, -20, 146)]
    [InlineData(-50, 50, 154)]
    [InlineData(50, -50, 154)]
    public void An_adaptive_target_rises_before_a_creeping_write_slips_past_a_read(double producerPpm, double consumerPpm, double maxMeanFill)
    {
        var sim = new BridgeSimulation { ProducerPpm = producerPpm, ConsumerPpm = consumerPpm, AdaptiveLatency = true, ReadPhase = 0.1 };
        sim.Run(seconds: 400, lockedAfterSeconds: 40);
        double thd = ToneAnalysis.ThdPlusNoiseDb(sim.Tail, sim.CyclesPerConsumerSample);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"adaptive, producer {producerPpm:+0;-0} ppm, consumer {consumerPpm:+0;-0} ppm: mean fill {sim.MeanFillAfterLock:F1} (fixed minimum {sim.Bridge.MinimumLatencyFrames}), " +
            $"fill {sim.MinFillAfterLock:F1}..{sim.MaxFillAfterLock:F1}, max target {sim.MaxTargetAfterLock:F1}; ring {sim.MinRingFillAfterLock}..{sim.MaxRingFillAfterLock}; " +
            $"peak ratio deviation {sim.PeakRatioDeviationAfterLockPpm:F0} ppm; THD+N {thd:F1} dB (last 0.5 s); underflows {sim.UnderflowsAfterLock} after lock");
        Assert.Equal(0, sim.UnderflowsAfterLock);
        Assert.Equal(0, sim.OverflowsAfterLock);
        Assert.True(sim.MeanFillAfterLock < maxMeanFill, $"mean fill {sim.MeanFillAfterLock:F1}");
        Assert.True(sim.PeakRatioDeviationAfterLockPpm < 400, $"ratio bent by {sim.PeakRatioDeviationAfterLockPpm:F0} ppm");
    }

    /// <summary>
    /// Lock-in from a cold start at 400 ppm apart, then after the producer's clock steps by 100 ppm: deterministic in
    /// virtual time, so the figures are asserted (and printed for the report). Locked = fill within 1 frame of target.
    /// </summary>
    [Theory]
    [InlineData(ResamplerQuality.Low)]
    [InlineData(ResamplerQuality.Medium)]
    [InlineData(ResamplerQuality.High)]
    public void Bridge_locks_in_seconds_from_start_and_after_a_100_ppm_step(ResamplerQuality quality)
    {
        var sim = new BridgeSimulation { ProducerPpm = 200, ConsumerPpm = -200, StepToPpm = 300, StepAtSeconds = 120, Quality = quality };
        sim.Run(seconds: 240, lockedAfterSeconds: 60);
        double thd = ToneAnalysis.ThdPlusNoiseDb(sim.Tail, sim.CyclesPerConsumerSample);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{quality}: lock-in {sim.LockInSeconds:F1} s from start, {sim.RelockSeconds:F1} s after the step; fill {sim.MinFillAfterLock:F2}..{sim.MaxFillAfterLock:F2} " +
            $"(target {sim.Bridge.LatencyFrames}); THD+N {thd:F1} dB; underflows {sim.Bridge.Underflows}, overflows {sim.Bridge.Overflows}");
        Assert.InRange(sim.LockInSeconds, 0, 30);
        Assert.InRange(sim.RelockSeconds, 0, 30);
        Assert.Equal(0, sim.Bridge.Underflows);
        Assert.Equal(0, sim.Bridge.Overflows);
        Assert.InRange(sim.MaxFillAfterLock - sim.Bridge.LatencyFrames, 0, 64);
        Assert.InRange(sim.Bridge.LatencyFrames - sim.MinFillAfterLock, 0, 64);
        Assert.InRange(thd, -200, quality == ResamplerQuality.Low ? -70 : -90);
    }

    /// <summary>
    /// A consumer that runs 40 ms late once (then catches up) must not kick the ratio: the fill jumps by ~1900 frames
    /// for a moment, which is a timing fault, not drift. Without the error limit the ratio went to its 5000 ppm clamp.
    /// </summary>
    [Fact]
    public void A_late_consumer_nudges_the_ratio_instead_of_kicking_it()
    {
        var sim = new BridgeSimulation { ProducerPpm = 100, ConsumerPpm = -100, LatencyFrames = 2048, StallMs = 40, StallAtSeconds = 60 };
        sim.Run(seconds: 90, lockedAfterSeconds: 30);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"peak ratio deviation after a 40 ms stall: {sim.PeakRatioDeviationAfterStallPpm:F1} ppm; fill {sim.MinFillAfterLock:F1}..{sim.MaxFillAfterLock:F1} (target 2048); underflows {sim.Bridge.Underflows}, overflows {sim.Bridge.Overflows}");
        Assert.InRange(sim.PeakRatioDeviationAfterStallPpm, 0, 500);
        Assert.Equal(0, sim.Bridge.Underflows);
        Assert.Equal(0, sim.Bridge.Overflows);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bridge_reads_and_writes_allocate_nothing_after_warm_up(bool adaptive)
    {
        var time = new VirtualTime();
        var bridge = new ClockBridge(2, 48000, new ClockBridgeOptions { ProducerBlockFrames = 64, ConsumerBlockFrames = 64, AdaptiveLatency = adaptive }, time);
        var src = new AudioBuffer(2, 64);
        var dst = new AudioBuffer(2, 64);
        long t = 0;
        for (int i = 0; i < 2000; i++)
        {
            time.Nanoseconds = t += 1_333_333;
            bridge.Write(src, 64);
            bridge.Read(dst, 64);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            time.Nanoseconds = t += 1_333_333;
            bridge.Write(src, 64);
            bridge.Read(dst, 64);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.False(bridge.IsPriming);
    }

    [Fact]
    public void Underflow_outputs_silence_counts_and_reprimes_then_resumes()
    {
        var time = new VirtualTime();
        var bridge = new ClockBridge(1, 48000, new ClockBridgeOptions { ProducerBlockFrames = 64, ConsumerBlockFrames = 64 }, time);
        var src = new AudioBuffer(1, 64);
        src.GetChannel(0, 64).Fill(0.25f);
        var dst = new AudioBuffer(1, 64);
        long t = 0;
        for (int i = 0; i < 100; i++)
        {
            time.Nanoseconds = t += 1_333_333;
            bridge.Write(src, 64);
            bridge.Read(dst, 64);
        }

        Assert.Equal(0.25f, dst.GetChannel(0, 64)[32], 3);
        for (int i = 0; i < 10; i++)
        {
            time.Nanoseconds = t += 1_333_333;
            bridge.Read(dst, 64); // the producer stalls
        }

        Assert.Equal(1, bridge.Underflows);
        Assert.True(bridge.IsPriming);
        Assert.All(dst.GetChannel(0, 64).ToArray(), x => Assert.Equal(0f, x));
        for (int i = 0; i < 100; i++)
        {
            time.Nanoseconds = t += 1_333_333;
            bridge.Write(src, 64);
            bridge.Read(dst, 64);
        }

        Assert.False(bridge.IsPriming);
        Assert.Equal(0.25f, dst.GetChannel(0, 64)[32], 3);
    }

    [Fact]
    public void Overflow_drops_the_write_and_counts_it()
    {
        var bridge = new ClockBridge(1, 48000, new ClockBridgeOptions { ProducerBlockFrames = 64, ConsumerBlockFrames = 64 }, new VirtualTime());
        var src = new AudioBuffer(1, 64);
        int writes = 0;
        while (bridge.Write(src, 64))
        {
            writes++;
        }

        Assert.Equal(1, bridge.Overflows);
        Assert.Equal(writes * 64L, bridge.FramesWritten);
    }

    [Theory]
    [InlineData(ResamplerQuality.Low, 1.0004)]
    [InlineData(ResamplerQuality.Medium, 1.0004)]
    [InlineData(ResamplerQuality.High, 1.0004)]
    [InlineData(ResamplerQuality.Medium, 48000.0 / 44100)]
    [InlineData(ResamplerQuality.High, 3.0)]
    public void Resampler_vector_and_scalar_paths_agree(ResamplerQuality quality, double step)
    {
        var r = new PolyphaseResampler(quality, step);
        var input = Enumerable.Range(0, 4096).Select(i => (float)Math.Sin(i * 0.37) * 0.8f).ToArray();
        var a = new float[1000];
        var b = new float[1000];
        double endA = r.Interpolate(input, r.HalfLength + 0.3, step, a);
        double endB = r.InterpolateScalar(input, r.HalfLength + 0.3, step, b);
        Assert.Equal(endA, endB);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.InRange(Math.Abs(a[i] - b[i]), 0, 2e-6); // summation order differs
        }
    }

    [Fact]
    public void Resampler_at_ratio_one_and_integer_position_reproduces_the_input()
    {
        var r = new PolyphaseResampler(ResamplerQuality.Medium);
        var input = Enumerable.Range(0, 512).Select(i => (float)Math.Sin(i * 0.1)).ToArray();
        var output = new float[256];
        r.Interpolate(input, r.HalfLength, 1.0, output);
        for (int i = 0; i < output.Length; i++)
        {
            Assert.Equal(input[r.HalfLength + i], output[i], 5);
        }
    }

    [Fact]
    public void Resampler_refuses_positions_without_enough_input()
    {
        var r = new PolyphaseResampler(ResamplerQuality.Medium);
        var input = new float[64];
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Interpolate(input, 2, 1.0, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Interpolate(input, 40, 1.0, new float[16]));
    }

    [Fact]
    public void Reset_discards_the_buffer_and_primes_again_keeping_the_learnt_drift()
    {
        var sim = new BridgeSimulation { ProducerPpm = 300, ConsumerPpm = 0 };
        sim.Run(seconds: 60, lockedAfterSeconds: 30);
        ClockBridge bridge = sim.Bridge;
        double ratio = bridge.RatioPpm;
        long read = bridge.FramesRead;
        bridge.RequestReset();
        var dst = new AudioBuffer(1, 64);
        bridge.Read(dst, 64);
        Assert.True(bridge.IsPriming);
        Assert.Equal(0, bridge.RingFillFrames);
        Assert.All(dst.GetChannel(0, 64).ToArray(), x => Assert.Equal(0f, x));
        Assert.Equal(read + 64, bridge.FramesRead);
        Assert.Equal(0, bridge.Underflows); // a requested reset is not a fault
        Assert.InRange(ratio, 299, 301);
    }

    [Fact]
    public void A_reset_from_the_producer_keeps_what_it_writes_after_the_reset()
    {
        var time = new VirtualTime();
        var bridge = new ClockBridge(1, 48000, new ClockBridgeOptions { ProducerBlockFrames = 64, ConsumerBlockFrames = 64 }, time);
        var old = new AudioBuffer(1, 64);
        old.GetChannel(0, 64).Fill(0.5f);
        var fresh = new AudioBuffer(1, 64);
        fresh.GetChannel(0, 64).Fill(-0.25f);
        bridge.Write(old, 64);
        bridge.Write(old, 64);
        bridge.ResetFromProducer();
        for (int i = 0; i < 8; i++)
        {
            bridge.Write(fresh, 64);
        }

        var dst = new AudioBuffer(1, 64);
        bridge.Read(dst, 64); // notices the reset: drops the 128 old frames only, then starts on the new ones at the target
        Assert.InRange(bridge.RingFillFrames, bridge.LatencyFrames - 64, 8 * 64);
        for (int i = 0; i < 20; i++)
        {
            time.Nanoseconds += 1_333_333;
            bridge.Write(fresh, 64);
            bridge.Read(dst, 64);
        }

        Assert.All(dst.GetChannel(0, 64).ToArray(), x => Assert.Equal(-0.25f, x, 3));
    }
}
