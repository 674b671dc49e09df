using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Dsp.Tests.Clocking;

public class RateConverterTests
{
    private static float[] Sine(double hz, double rate, int frames, int channels = 1, double amplitude = 0.5)
    {
        var x = new float[frames * channels];
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                // Channel c is the same tone, sign-flipped on odd channels, so a channel mix-up shows.
                x[(f * channels) + c] = (float)((c % 2 == 0 ? amplitude : -amplitude) * Math.Sin(2 * Math.PI * hz * f / rate));
            }
        }

        return x;
    }

    /// <summary>Feeds <paramref name="input"/> in chunks of the given sizes (cycled) and gathers every output frame.</summary>
    private static float[] Run(RateConverter converter, float[] input, int[] chunks)
    {
        var output = new List<float>();
        int channels = converter.Channels;
        for (int offset = 0, i = 0; offset < input.Length; i++)
        {
            int n = Math.Min(chunks[i % chunks.Length] * channels, input.Length - offset);
            output.AddRange(converter.Convert(input.AsSpan(offset, n)).ToArray());
            offset += n;
        }

        return output.ToArray();
    }

    private static float[] Channel(float[] interleaved, int channels, int c, int skipFrames) =>
        Enumerable.Range(skipFrames, (interleaved.Length / channels) - skipFrames).Select(f => interleaved[(f * channels) + c]).ToArray();

    [Theory]
    [InlineData(48000, 44100, ResamplerQuality.Medium, -100)]
    [InlineData(44100, 48000, ResamplerQuality.Medium, -100)]
    [InlineData(48000, 44100, ResamplerQuality.High, -120)]
    [InlineData(96000, 48000, ResamplerQuality.Medium, -100)]
    [InlineData(16000, 48000, ResamplerQuality.Medium, -100)]
    public void A_1_kHz_tone_keeps_its_frequency_and_purity_across_the_conversion(double inRate, double outRate, ResamplerQuality quality, double maxThdDb)
    {
        var converter = new RateConverter(2, inRate, outRate, 256, quality);
        int seconds = 2;
        float[] output = Run(converter, Sine(1000, inRate, (int)inRate * seconds, 2), [64, 1, 256, 17, 100]);
        int outFrames = output.Length / 2;
        double expectedFrames = inRate * seconds * outRate / inRate;
        // Every input frame but the look-ahead has produced its outputs.
        Assert.InRange(outFrames, expectedFrames - ((converter.LookAheadFrames + 1) * outRate / inRate) - 1, expectedFrames);

        for (int c = 0; c < 2; c++)
        {
            float[] x = Channel(output, 2, c, (int)(outRate / 10)); // past the start transient
            var crossings = new RisingZeroCrossings();
            for (int i = 0; i < x.Length; i++)
            {
                crossings.Add(c == 0 ? x[i] : -x[i], i);
            }

            double hz = crossings.CyclesPerSample * outRate;
            double thd = ToneAnalysis.ThdPlusNoiseDb(x, crossings.CyclesPerSample);
            TestContext.Current.TestOutputHelper?.WriteLine($"{inRate} -> {outRate} Hz, {quality}, channel {c}: {outFrames} frames out (expected ≈ {expectedFrames}), tone {hz:F5} Hz, THD+N {thd:F1} dB");
            Assert.InRange(hz, 999.999, 1000.001);
            Assert.InRange(thd, -200, maxThdDb);
        }
    }

    /// <summary>
    /// Going down to 16 kHz, a 12 kHz tone (above the output's 8 kHz half rate) must be filtered out, not folded to 4 kHz;
    /// a 1 kHz tone passes at unity gain.
    /// </summary>
    [Fact]
    public void Converting_to_a_lower_rate_filters_out_what_the_output_cannot_carry()
    {
        const int Frames = 48000;
        float[] high = Run(new RateConverter(1, 48000, 16000, 512), Sine(12000, 48000, Frames), [512]);
        float[] low = Run(new RateConverter(1, 48000, 16000, 512), Sine(1000, 48000, Frames), [512]);
        double highRms = Rms(high.AsSpan(1600));
        double lowRms = Rms(low.AsSpan(1600));
        double inputRms = 0.5 / Math.Sqrt(2);
        TestContext.Current.TestOutputHelper?.WriteLine($"12 kHz: {20 * Math.Log10(highRms / inputRms):F1} dB; 1 kHz: {20 * Math.Log10(lowRms / inputRms):F3} dB");
        Assert.InRange(20 * Math.Log10(highRms / inputRms), -300, -80);
        Assert.InRange(20 * Math.Log10(lowRms / inputRms), -0.01, 0.01);
    }

    [Fact]
    public void The_output_does_not_depend_on_how_the_input_is_cut_and_reset_starts_afresh()
    {
        float[] input = Sine(997, 44100, 20000, 3);
        var converter = new RateConverter(3, 44100, 48000, 300);
        float[] whole = Run(converter, input, [300]);
        converter.Reset();
        float[] ragged = Run(converter, input, [1, 299, 7, 64, 128, 3]);
        Assert.Equal(whole.Length, ragged.Length);
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.InRange(Math.Abs(whole[i] - ragged[i]), 0, 1e-6f);
        }
    }

    [Fact]
    public void Conversion_allocates_nothing_after_warm_up()
    {
        var converter = new RateConverter(2, 48000, 44100, 128);
        float[] block = Sine(1000, 48000, 128, 2);
        for (int i = 0; i < 100; i++)
        {
            converter.Convert(block);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        double sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            sum += converter.Convert(block.AsSpan(0, (1 + (i % 128)) * 2)).Length;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Too_many_frames_in_one_call_is_refused()
    {
        var converter = new RateConverter(1, 48000, 44100, 64);
        Assert.Throws<ArgumentOutOfRangeException>(() => converter.Convert(new float[65]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateConverter(1, 48000, 2000, 64));
    }

    private static double Rms(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += v * v;
        }

        return Math.Sqrt(sum / x.Length);
    }
}
