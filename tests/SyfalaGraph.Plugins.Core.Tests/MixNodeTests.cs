using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Core.Tests;

public sealed class MixNodeTests
{
    [Fact]
    public void Mix_declares_one_input_per_input_count_and_an_output_like_in0_by_default()
    {
        var ports = new PortLayout();
        new MixParameters { Inputs = 3 }.DeclarePorts(ports);

        Assert.Equal(["in0", "in1", "in2"], ports.Inputs.Select(p => p.Name));
        Assert.All(ports.Inputs, p => Assert.Equal(ChannelCount.FromLinks, p.Channels));
        Assert.Equal(ChannelCount.SameAs("in0"), Assert.Single(ports.Outputs).Channels);
    }

    [Fact]
    public void Mix_declares_a_fixed_output_when_channels_is_given()
    {
        var ports = new PortLayout();
        new MixParameters { Inputs = 2, Channels = 4 }.DeclarePorts(ports);

        Assert.Equal(ChannelCount.Fixed(4), Assert.Single(ports.Outputs).Channels);
    }

    [Fact]
    public void Mix_sums_inputs_with_per_input_gain()
    {
        double[] gainsDb = [0, -6, 6];
        var mix = new MixNode(new MixParameters { Inputs = 3, GainDb = gainsDb });
        var harness = new NodeHarness(mix, [2, 2, 2], [2]);
        float[][][] inputs =
        [
            [Signals.Noise(3_000, 1), Signals.Noise(3_000, 2)],
            [Signals.Noise(3_000, 3), Signals.Noise(3_000, 4)],
            [Signals.Noise(3_000, 5), Signals.Noise(3_000, 6)],
        ];

        float[][] output = harness.Run(3_000, inputs, blockSizes: [64, 9]);

        for (int c = 0; c < 2; c++)
        {
            for (int n = 0; n < 3_000; n++)
            {
                double expected = 0;
                for (int i = 0; i < 3; i++)
                {
                    expected += inputs[i][c][n] * Math.Pow(10, gainsDb[i] / 20);
                }

                Assert.True(Math.Abs(output[c][n] - expected) < 1e-6, $"channel {c} frame {n}: {output[c][n]} vs {expected}");
            }
        }
    }

    [Fact]
    public void Mix_spreads_mono_input_to_all_channels()
    {
        var mix = new MixNode(new MixParameters { Inputs = 2 });
        var harness = new NodeHarness(mix, [2, 1], [2]);
        float[] left = Signals.Noise(640, 1), right = Signals.Noise(640, 2), mono = Signals.Noise(640, 3);

        float[][] output = harness.Run(640, [[left, right], [mono]]);

        for (int n = 0; n < 640; n++)
        {
            Assert.Equal(left[n] + mono[n], output[0][n], 1e-7f);
            Assert.Equal(right[n] + mono[n], output[1][n], 1e-7f);
        }
    }

    [Fact]
    public void Mix_with_a_fixed_channel_count_spreads_mono_inputs_to_it()
    {
        var mix = new MixNode(new MixParameters { Inputs = 2, Channels = 4, GainDb = [-6, 0] });
        var harness = new NodeHarness(mix, [1, 4], [4]);
        float[] mono = Signals.Noise(128, 1);
        float[][] quad = [Signals.Noise(128, 2), Signals.Noise(128, 3), Signals.Noise(128, 4), Signals.Noise(128, 5)];

        float[][] output = harness.Run(128, [[mono], quad]);

        float g = (float)Math.Pow(10, -6.0 / 20);
        for (int c = 0; c < 4; c++)
        {
            for (int n = 0; n < 128; n++)
            {
                Assert.Equal((mono[n] * g) + quad[c][n], output[c][n], 1e-6f);
            }
        }
    }

    [Fact]
    public void Mix_ignores_an_input_with_no_channels_and_outputs_silence_when_all_are_empty()
    {
        var mix = new MixNode(new MixParameters { Inputs = 2, Channels = 1 });
        var harness = new NodeHarness(mix, [0, 0], [1]);

        float[][] output = harness.Run(64);

        Assert.All(output[0], s => Assert.Equal(0f, s));
    }

    [Fact]
    public void Mix_rejects_mismatched_channel_counts_in_Prepare()
    {
        var mix = new MixNode(new MixParameters { Inputs = 2 });

        var error = Assert.Throws<NodeException>(() => new NodeHarness(mix, [2, 3], [2]));

        Assert.Contains("in1 has 3 channels", error.Message, StringComparison.Ordinal);
        Assert.Contains("output has 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_validate_reports_a_gain_db_list_whose_length_is_not_inputs()
    {
        ParameterError error = Assert.Single(new MixParameters { Inputs = 3, GainDb = [0, -6] }.Validate());

        Assert.Equal("gain_db", error.Parameter);
        Assert.Contains("2 value(s) but inputs is 3", error.Message, StringComparison.Ordinal);
        Assert.Empty(new MixParameters { Inputs = 2, GainDb = [0, -6] }.Validate());
        Assert.Empty(new MixParameters { Inputs = 5 }.Validate());
    }

    [Fact]
    public void Mix_validate_reports_a_gain_out_of_range()
    {
        ParameterError error = Assert.Single(new MixParameters { Inputs = 2, GainDb = [0, 55] }.Validate());

        Assert.Equal("gain_db", error.Parameter);
        Assert.Contains("gain_db[1] is 55 dB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_gain_change_is_smoothed_and_ends_on_the_target()
    {
        var mix = new MixNode(new MixParameters { Inputs = 2, GainDb = [0, 0], SmoothingMs = 5 });
        var harness = new NodeHarness(mix, [1, 1], [1]);
        float[] ones = Signals.Constant(1_000, 1f);

        float[] output = harness.Run(1_000, [[ones], [ones]], beforeBlock: start =>
        {
            if (start == 128)
            {
                Assert.True(mix.TryUpdateParameters(new MixParameters { Inputs = 2, GainDb = [0, -120], SmoothingMs = 5 }));
            }
        })[0];

        // 5 ms = 240 frames: in1 fades from 1 to 1e-6 while in0 stays at 1.
        Assert.All(output[..128], s => Assert.Equal(2f, s));
        for (int n = 129; n < 128 + 240; n++)
        {
            double step = output[n - 1] - output[n];
            Assert.True(step > 0 && step <= 1.001 / 240, $"frame {n}: step {step}");
        }

        Assert.All(output[(128 + 240 - 1)..], s => Assert.Equal(1f + (float)1e-6, s));
        Assert.Equal(1e-6, mix.CurrentGain(1), 1e-12);
    }

    [Fact]
    public void Mix_takes_gains_live_but_not_a_new_input_or_channel_count()
    {
        var mix = new MixNode(new MixParameters { Inputs = 2 });

        Assert.True(mix.TryUpdateParameters(new MixParameters { Inputs = 2, GainDb = [1, 2] }));
        Assert.False(mix.TryUpdateParameters(new MixParameters { Inputs = 3 }));
        Assert.False(mix.TryUpdateParameters(new MixParameters { Inputs = 2, Channels = 2 }));
    }

    [Fact]
    public void Mix_parameters_compare_gain_lists_by_value()
    {
        var a = new MixParameters { Inputs = 2, GainDb = [0, -3] };
        var b = new MixParameters { Inputs = 2, GainDb = [0, -3] };
        var c = new MixParameters { Inputs = 2, GainDb = [0, -4] };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, new MixParameters { Inputs = 2 });
    }
}
