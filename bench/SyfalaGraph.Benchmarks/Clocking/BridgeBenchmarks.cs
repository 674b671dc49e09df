using BenchmarkDotNet.Attributes;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;

namespace SyfalaGraph.Benchmarks.Clocking;

/// <summary>
/// CPU cost of one second of stereo audio (750 blocks of 64 frames at 48 kHz) through a clock bridge between
/// two domains 400 ppm apart: the producer's Write and the consumer's Read (ring, drift controller, resampler),
/// at each quality. Both sides run on the benchmark thread with a hand-advanced clock. Mean = CPU time per
/// second of audio; divide by 10 000 for the percentage of one core.
/// </summary>
[MemoryDiagnoser]
public class BridgeBenchmarks
{
    private const int Block = 64;
    private readonly StepTime _time = new();
    private ClockBridge _bridge = null!;
    private AudioBuffer _source = null!;
    private AudioBuffer _destination = null!;
    private long _producerTicks;
    private long _consumerTicks;

    [Params(ResamplerQuality.Low, ResamplerQuality.Medium, ResamplerQuality.High)]
    public ResamplerQuality Quality { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bridge = new ClockBridge(2, 48000, new ClockBridgeOptions { ProducerBlockFrames = Block, ConsumerBlockFrames = Block, Quality = Quality }, _time);
        _source = new AudioBuffer(2, Block);
        _destination = new AudioBuffer(2, Block);
        for (int c = 0; c < 2; c++)
        {
            Span<float> s = _source.GetChannel(c, Block);
            for (int i = 0; i < Block; i++)
            {
                s[i] = MathF.Sin(i * 0.13f) * 0.5f;
            }
        }

        for (int i = 0; i < 30_000; i++)
        {
            Step(); // past priming and lock-in
        }
    }

    [Benchmark(Description = "1 s of stereo through a bridge")]
    public void OneSecondStereo()
    {
        for (int i = 0; i < 750; i++)
        {
            Step();
        }
    }

    private void Step()
    {
        // Producer at +200 ppm, consumer at −200 ppm, in nanoseconds, earliest first.
        const double producerPeriod = Block / (48000 * 1.0002) * 1e9;
        const double consumerPeriod = Block / (48000 * 0.9998) * 1e9;
        while (_producerTicks * producerPeriod <= _consumerTicks * consumerPeriod)
        {
            _time.Now = (long)(_producerTicks++ * producerPeriod);
            _bridge.Write(_source, Block);
        }

        _time.Now = (long)(_consumerTicks++ * consumerPeriod);
        _bridge.Read(_destination, Block);
    }

    private sealed class StepTime : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => Now;
    }
}
