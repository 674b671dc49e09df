using System.Diagnostics;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Rings;

namespace SyfalaGraph.Plugins.Core.Tests;

public sealed class RealTimeAllocationTests
{
    private const int Frames = 64;
    private const double Rate = 48_000;

    [Fact]
    public void Tone_gain_mix_meter_into_a_ring_allocate_nothing_per_block_after_warm_up()
    {
        // tone (stereo sine) -> gain -> mix.in0 ; noise (mono) -> mix.in1 ; mix -> meter -> ring -> consumer
        var tone = new ToneNode(new ToneParameters { Channels = 2, FrequencyHz = 440 });
        var noise = new ToneNode(new ToneParameters { Waveform = Waveform.Noise, Amplitude = 0.1 });
        var gain = new GainNode(new GainParameters { GainDb = -6 });
        var mix = new MixNode(new MixParameters { Inputs = 2, GainDb = [0, -12] });
        using var meter = new MeterNode(new MeterParameters { WindowMs = 50 });
        var events = NodeEventWriter.Null;

        AudioBuffer[] toneOut = [new AudioBuffer(2, Frames)];
        AudioBuffer[] noiseOut = [new AudioBuffer(1, Frames)];
        AudioBuffer[] gainOut = [new AudioBuffer(2, Frames)];
        AudioBuffer[] mixIn = [gainOut[0], noiseOut[0]];
        AudioBuffer[] mixOut = [new AudioBuffer(2, Frames)];
        AudioBuffer[] meterOut = [new AudioBuffer(2, Frames)];
        AudioBuffer drained = new(2, Frames);
        AudioBuffer[] none = [];
        (RingProducer<float> producer, RingConsumer<float> consumer) = SpscRing.Create<float>(1024);

        tone.Prepare(new PrepareContext("tone", Rate, Frames, [], [2], events, false));
        noise.Prepare(new PrepareContext("noise", Rate, Frames, [], [1], events, false));
        gain.Prepare(new PrepareContext("gain", Rate, Frames, [2], [2], events, false));
        mix.Prepare(new PrepareContext("mix", Rate, Frames, [2, 1], [2], events, false));
        meter.Prepare(new PrepareContext("meter", Rate, Frames, [2], [2], events, false));

        long frameTime = 0;
        bool ok = true;
        void RunBlock()
        {
            tone.Process(new ProcessContext(Frames, frameTime, Rate, none, toneOut, events, false));
            noise.Process(new ProcessContext(Frames, frameTime, Rate, none, noiseOut, events, false));
            gain.Process(new ProcessContext(Frames, frameTime, Rate, toneOut, gainOut, events, false));
            mix.Process(new ProcessContext(Frames, frameTime, Rate, mixIn, mixOut, events, false));
            meter.Process(new ProcessContext(Frames, frameTime, Rate, mixOut, meterOut, events, false));
            ok &= producer.TryWriteFrames(meterOut[0], Frames);
            ok &= consumer.TryReadFrames(drained, Frames);
            frameTime += Frames;
        }

        for (int i = 0; i < 2_000; i++)
        {
            RunBlock(); // warm-up: JIT, tiering, first use of every path
        }

        // Live changes posted before measuring; they are taken inside the measured loop.
        Assert.True(gain.TryUpdateParameters(new GainParameters { GainDb = -3, SmoothingMs = 20 }));
        Assert.True(mix.TryUpdateParameters(new MixParameters { Inputs = 2, GainDb = [-1, -20] }));
        Assert.True(tone.TryUpdateParameters(new ToneParameters { Channels = 2, FrequencyHz = 523.25, Amplitude = 0.4 }));

        var stopwatch = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            RunBlock();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        stopwatch.Stop();

        Assert.Equal(0, after - before);
        Assert.True(ok, "the ring overflowed or underflowed");
        Assert.Equal(Math.Pow(10, -3.0 / 20), gain.CurrentGain, 1e-12); // the live change was taken and completed
        Assert.Equal(Math.Pow(10, -20.0 / 20), mix.CurrentGain(1), 1e-12);
        Assert.InRange(meter.GetPeakDb(0), -12.0, 0.0);
        Assert.Equal(drained.Samples, meterOut[0].Samples); // what came out of the ring is the last block
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"10,000 blocks x {Frames} frames x 5 nodes + ring: {stopwatch.Elapsed.TotalMilliseconds:F1} ms, " +
            $"{stopwatch.Elapsed.TotalMilliseconds * 1e6 / 10_000:F0} ns per block, {after - before} bytes allocated");
    }
}
