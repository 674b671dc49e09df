using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Core.Tests;

public sealed class ToneNodeTests
{
    private const double Rate = 48_000;

    private static NodeHarness Prepare(ToneParameters p, int maxBlock = 64, string nodeId = "tone", RecordingEventSink? sink = null) =>
        new(new ToneNode(p), [], [p.Channels], Rate, maxBlock, nodeId, sink);

    [Fact]
    public void Tone_declares_one_fixed_output_and_no_input()
    {
        var ports = new PortLayout();
        new ToneParameters { Channels = 3 }.DeclarePorts(ports);

        Assert.Empty(ports.Inputs);
        PortDeclaration output = Assert.Single(ports.Outputs);
        Assert.Equal("out", output.Name);
        Assert.Equal(ChannelCount.Fixed(3), output.Channels);
    }

    [Fact]
    public void Tone_sine_matches_the_reference_sine_from_frame_0_whatever_the_block_sizes()
    {
        NodeHarness tone = Prepare(new ToneParameters());

        float[] output = tone.Run(48_000, blockSizes: [64, 1, 17, 33, 5])[0];

        for (int n = 0; n < output.Length; n++)
        {
            // 440/48000 = 11/1200: the exact phase is (11 n mod 1200) / 1200 cycles.
            double expected = 0.5 * Math.Sin(2.0 * Math.PI * (11L * n % 1200) / 1200.0);
            Assert.True(Math.Abs(output[n] - expected) < 1e-6, $"frame {n}: {output[n]} vs {expected}");
        }
    }

    [Fact]
    public void Tone_sine_is_phase_continuous_across_blocks_and_frequency_changes()
    {
        var tone = new ToneNode(new ToneParameters { FrequencyHz = 440, Amplitude = 1.0 });
        var harness = new NodeHarness(tone, [], [1], Rate, 64);
        double[] frequencies = [440, 1000, 97.5, 5000, 440];
        double referencePhase = 0; // cycles, accumulated exactly as a frequency-change-aware reference
        double frequency = frequencies[0];
        float[] output = harness.Run(5 * 4_800, blockSizes: [64, 13, 64, 7], beforeBlock: start =>
        {
            // Change the frequency at block boundaries every 4800 frames (the block sizes make them irregular).
            int segment = (int)(start / 4_800);
            if (frequencies[segment] != frequency)
            {
                frequency = frequencies[segment];
                Assert.True(tone.TryUpdateParameters(new ToneParameters { FrequencyHz = frequency, Amplitude = 1.0 }));
            }
        })[0];

        // Replay the block schedule to know which frequency applied to each frame.
        frequency = frequencies[0];
        int[] sizes = [64, 13, 64, 7];
        int done = 0;
        double maxStep = 0;
        for (int b = 0; done < output.Length; b++)
        {
            int frames = Math.Min(sizes[b % sizes.Length], output.Length - done);
            frequency = frequencies[done / 4_800];
            for (int i = 0; i < frames; i++)
            {
                int n = done + i;
                double expected = Math.Sin(2.0 * Math.PI * referencePhase);
                Assert.True(Math.Abs(output[n] - expected) < 1e-5, $"frame {n}: {output[n]} vs {expected}");
                referencePhase += frequency / Rate;
                referencePhase -= Math.Floor(referencePhase);
                if (n > 0)
                {
                    maxStep = Math.Max(maxStep, Math.Abs(output[n] - output[n - 1]));
                }
            }

            done += frames;
        }

        // No discontinuity: the largest sample-to-sample step is what the highest frequency implies.
        Assert.True(maxStep <= (2.0 * Math.PI * 5000 / Rate) + 1e-6, $"max step {maxStep}");
    }

    [Fact]
    public void Tone_sine_stays_on_the_exact_phase_after_ten_minutes()
    {
        NodeHarness tone = Prepare(new ToneParameters { Amplitude = 1.0 }, maxBlock: 4096);
        long total = 10L * 60 * 48_000;
        for (long done = 0; done < total; done += 4096)
        {
            tone.Process((int)Math.Min(4096, total - done));
        }

        float[] output = tone.Run(4096)[0];
        for (int i = 0; i < output.Length; i++)
        {
            long n = total + i;
            double expected = Math.Sin(2.0 * Math.PI * (11L * n % 1200) / 1200.0);
            Assert.True(Math.Abs(output[i] - expected) < 1e-5, $"frame {n}: {output[i]} vs {expected}");
        }
    }

    [Theory]
    [InlineData(0.01, 48_000, 480)]
    [InlineData(1.0 / 3.0, 44_100, 14_700)]
    [InlineData(0.0100104, 48_000, 480)] // 480.4992 frames rounds down
    [InlineData(0.0100105, 48_000, 481)] // 480.504 frames rounds up
    public void Tone_with_duration_ends_after_exact_frame_count(double durationS, double rate, long expectedFrames)
    {
        var sink = new RecordingEventSink();
        var tone = new ToneNode(new ToneParameters { Waveform = Waveform.Square, Amplitude = 0.25, DurationS = durationS });
        var harness = new NodeHarness(tone, [], [1], rate, 64, "beep", sink);
        Assert.Equal(expectedFrames, tone.LengthFrames);
        Assert.True(tone.IsFinite);

        int total = (int)expectedFrames + 1000;
        float[] output = harness.Run(total, beforeBlock: start =>
            Assert.Equal(start >= expectedFrames, tone.HasEnded))[0];

        for (int n = 0; n < total; n++)
        {
            Assert.Equal(n < expectedFrames ? 0.25f : 0f, Math.Abs(output[n]));
        }

        Assert.True(tone.HasEnded);
        Assert.Equal(expectedFrames, tone.FramesGenerated);
        NodeEvent end = Assert.Single(sink.Events);
        Assert.Equal(new NodeEvent("beep", NodeEventKind.EndOfStream, expectedFrames, expectedFrames), end);
    }

    [Fact]
    public void Tone_without_duration_never_ends()
    {
        var sink = new RecordingEventSink();
        var tone = new ToneNode(new ToneParameters());
        var harness = new NodeHarness(tone, [], [1], Rate, 64, "tone", sink);

        harness.Run(48_000);

        Assert.False(tone.IsFinite);
        Assert.False(tone.HasEnded);
        Assert.Null(tone.LengthFrames);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void Tone_square_alternates_half_periods_of_plus_and_minus_amplitude()
    {
        // 375 Hz at 48 kHz: a period of exactly 128 frames.
        NodeHarness tone = Prepare(new ToneParameters { Waveform = Waveform.Square, FrequencyHz = 375, Amplitude = 0.8 });

        float[] output = tone.Run(1280, blockSizes: [64, 30])[0];

        for (int n = 0; n < output.Length; n++)
        {
            Assert.Equal(n % 128 < 64 ? 0.8f : -0.8f, output[n]);
        }
    }

    [Theory]
    [InlineData(480, 100)]
    [InlineData(500, 96)] // 96 increments of 1/96 sum to just below 1.0 in binary
    [InlineData(100, 480)]
    [InlineData(8000, 6)]
    [InlineData(1000, 48)]
    public void Tone_impulse_emits_one_sample_per_period_starting_at_frame_0(double frequencyHz, int periodFrames)
    {
        NodeHarness tone = Prepare(new ToneParameters { Waveform = Waveform.Impulse, FrequencyHz = frequencyHz, Amplitude = 0.7 });

        float[] output = tone.Run(periodFrames * 2_000, blockSizes: [64, 31])[0];

        for (int n = 0; n < output.Length; n++)
        {
            Assert.Equal(n % periodFrames == 0 ? 0.7f : 0f, output[n]);
        }
    }

    [Fact]
    public void Tone_impulse_with_a_fractional_period_emits_frequency_impulses_per_second()
    {
        // 441 Hz at 48 kHz: a period of 108.84 frames; each impulse lands on the first frame of its period.
        NodeHarness tone = Prepare(new ToneParameters { Waveform = Waveform.Impulse, FrequencyHz = 441, Amplitude = 1.0 });

        float[] output = tone.Run(48_000)[0];

        var impulses = new List<int>();
        for (int n = 0; n < output.Length; n++)
        {
            if (output[n] != 0f)
            {
                impulses.Add(n);
            }
        }

        Assert.Equal(441, impulses.Count);
        for (int k = 0; k < impulses.Count; k++)
        {
            Assert.Equal((int)Math.Ceiling(k * 48_000.0 / 441.0 - 1e-9), impulses[k]);
        }
    }

    [Fact]
    public void Tone_noise_is_bounded_zero_mean_uniform_and_white()
    {
        const double amplitude = 0.25;
        NodeHarness tone = Prepare(new ToneParameters { Waveform = Waveform.Noise, Amplitude = amplitude });

        float[] output = tone.Run(96_000)[0];

        double sum = 0, sumSquares = 0, lag1 = 0;
        for (int n = 0; n < output.Length; n++)
        {
            Assert.InRange(output[n], -amplitude, amplitude);
            sum += output[n];
            sumSquares += output[n] * (double)output[n];
            if (n > 0)
            {
                lag1 += output[n] * (double)output[n - 1];
            }
        }

        double mean = sum / output.Length;
        double rms = Math.Sqrt(sumSquares / output.Length);
        double correlation = lag1 / sumSquares;
        Assert.True(Math.Abs(mean) < 0.01 * amplitude, $"mean {mean}");
        Assert.True(Math.Abs(rms - (amplitude / Math.Sqrt(3))) < 0.01 * amplitude, $"rms {rms}"); // uniform: A/√3
        Assert.True(Math.Abs(correlation) < 0.02, $"lag-1 correlation {correlation}");
    }

    [Fact]
    public void Tone_noise_is_reproducible_per_node_id_and_differs_between_nodes()
    {
        var p = new ToneParameters { Waveform = Waveform.Noise };

        float[] a1 = Prepare(p, nodeId: "a").Run(1000)[0];
        float[] a2 = Prepare(p, nodeId: "a").Run(1000)[0];
        float[] b = Prepare(p, nodeId: "b").Run(1000)[0];

        Assert.Equal(a1, a2);
        Assert.NotEqual(a1, b);
    }

    [Fact]
    public void Tone_copies_the_same_signal_to_every_channel()
    {
        var tone = new ToneNode(new ToneParameters { Channels = 3, Waveform = Waveform.Noise });
        var harness = new NodeHarness(tone, [], [3]);
        var channels = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            channels[c] = new float[640];
        }

        for (int done = 0; done < 640; done += 64)
        {
            harness.Process(64);
            for (int c = 0; c < 3; c++)
            {
                harness.Outputs[0].GetChannel(c, 64).CopyTo(channels[c].AsSpan(done));
            }
        }

        Assert.Contains(channels[0], s => s != 0f);
        Assert.Equal(channels[0], channels[1]);
        Assert.Equal(channels[0], channels[2]);
    }

    [Fact]
    public void Tone_takes_waveform_frequency_and_amplitude_live_but_not_channels_or_duration()
    {
        var tone = new ToneNode(new ToneParameters { Channels = 2, DurationS = 1 });

        Assert.True(tone.TryUpdateParameters(new ToneParameters { Channels = 2, DurationS = 1, FrequencyHz = 1000, Amplitude = 0.1, Waveform = Waveform.Square }));
        Assert.False(tone.TryUpdateParameters(new ToneParameters { Channels = 1, DurationS = 1 }));
        Assert.False(tone.TryUpdateParameters(new ToneParameters { Channels = 2, DurationS = 2 }));
        Assert.False(tone.TryUpdateParameters(new ToneParameters { Channels = 2 }));
        Assert.False(tone.TryUpdateParameters(new GainParameters()));
    }

    [Fact]
    public void Tone_amplitude_change_ramps_over_one_block_then_holds()
    {
        // A square wave at 375 Hz keeps |x| = amplitude, so the envelope is visible sample by sample.
        var tone = new ToneNode(new ToneParameters { Waveform = Waveform.Square, FrequencyHz = 375, Amplitude = 0.5 });
        var harness = new NodeHarness(tone, [], [1]);
        float[] output = harness.Run(256, beforeBlock: start =>
        {
            if (start == 128)
            {
                Assert.True(tone.TryUpdateParameters(new ToneParameters { Waveform = Waveform.Square, FrequencyHz = 375, Amplitude = 0.1 }));
            }
        })[0];

        for (int n = 0; n < 128; n++)
        {
            Assert.Equal(0.5f, Math.Abs(output[n]));
        }

        for (int n = 129; n < 192; n++)
        {
            Assert.True(Math.Abs(output[n]) < Math.Abs(output[n - 1]), $"frame {n} does not decrease");
        }

        for (int n = 191; n < 256; n++)
        {
            Assert.Equal(0.1f, Math.Abs(output[n]));
        }

        // Same square, same phase: the change did not reset it.
        Assert.True(output[191] > 0 && output[192] < 0);
    }
}
