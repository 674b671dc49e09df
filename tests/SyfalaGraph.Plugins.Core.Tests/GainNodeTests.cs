using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Core.Tests;

public sealed class GainNodeTests
{
    [Fact]
    public void Gain_declares_input_from_links_and_output_same_as_input()
    {
        var ports = new PortLayout();
        new GainParameters().DeclarePorts(ports);

        Assert.Equal(("in", ChannelCount.FromLinks), (ports.Inputs[0].Name, ports.Inputs[0].Channels));
        Assert.Equal(("out", ChannelCount.SameAs("in")), (ports.Outputs[0].Name, ports.Outputs[0].Channels));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-6.0)]
    [InlineData(3.5)]
    [InlineData(-120.0)]
    [InlineData(40.0)]
    public void Gain_output_equals_input_times_linear_gain(double gainDb)
    {
        var harness = new NodeHarness(new GainNode(new GainParameters { GainDb = gainDb }), [2], [2]);
        float[][] input = [Signals.Noise(4_000, 1), Signals.Noise(4_000, 2)];

        float[][] output = harness.Run(4_000, [input], blockSizes: [64, 7, 50]);

        double linear = Math.Pow(10.0, gainDb / 20.0);
        for (int c = 0; c < 2; c++)
        {
            for (int n = 0; n < input[c].Length; n++)
            {
                double expected = input[c][n] * linear;
                Assert.True(Math.Abs(output[c][n] - expected) <= 1e-6 * Math.Abs(expected),
                    $"channel {c} frame {n}: {output[c][n]} vs {expected}");
            }
        }
    }

    [Fact]
    public void Gain_change_is_smoothed_without_steps()
    {
        var gain = new GainNode(new GainParameters { GainDb = 0, SmoothingMs = 10 });
        var harness = new NodeHarness(gain, [1], [1]);
        float[] dc = Signals.Constant(2_000, 1f);

        float[] output = harness.Run(2_000, [[dc]], beforeBlock: start =>
        {
            if (start == 256)
            {
                Assert.True(gain.TryUpdateParameters(new GainParameters { GainDb = -20, SmoothingMs = 10 }));
            }
        })[0];

        // 10 ms at 48 kHz = 480 frames of ramp, from frame 256 to frame 735.
        const int rampStart = 256, rampFrames = 480;
        const double slope = (1.0 - 0.1) / rampFrames;
        for (int n = 0; n < rampStart; n++)
        {
            Assert.Equal(1f, output[n]);
        }

        for (int n = rampStart; n < rampStart + rampFrames; n++)
        {
            double step = output[n - 1] - output[n];
            Assert.True(step > 0 && step <= slope * 1.001, $"frame {n}: step {step}");
        }

        for (int n = rampStart + rampFrames - 1; n < output.Length; n++)
        {
            Assert.Equal((float)0.1, output[n]); // the ramp ends exactly on the target
        }

        Assert.Equal(Math.Pow(10, -1), gain.CurrentGain);
    }

    [Fact]
    public void Gain_change_during_a_ramp_continues_from_the_current_gain()
    {
        var gain = new GainNode(new GainParameters { GainDb = 0, SmoothingMs = 10 });
        var harness = new NodeHarness(gain, [1], [1]);
        float[] dc = Signals.Constant(2_000, 1f);

        float[] output = harness.Run(2_000, [[dc]], beforeBlock: start =>
        {
            if (start == 64)
            {
                gain.TryUpdateParameters(new GainParameters { GainDb = -40, SmoothingMs = 10 });
            }
            else if (start == 320)
            {
                gain.TryUpdateParameters(new GainParameters { GainDb = 6, SmoothingMs = 10 });
            }
        })[0];

        double maxStep = 0;
        for (int n = 1; n < output.Length; n++)
        {
            maxStep = Math.Max(maxStep, Math.Abs(output[n] - output[n - 1]));
        }

        // The biggest jump is one ramp step of the larger change (from wherever the first ramp was to 2.0).
        Assert.True(maxStep < (2.0 - 0.01) / 480 * 1.01, $"max step {maxStep}");
        Assert.Equal((float)Math.Pow(10, 6.0 / 20.0), output[^1]);
    }

    [Fact]
    public void Gain_with_zero_smoothing_jumps_at_the_next_block()
    {
        var gain = new GainNode(new GainParameters { GainDb = 0, SmoothingMs = 0 });
        var harness = new NodeHarness(gain, [1], [1]);

        float[] output = harness.Run(128, [[Signals.Constant(128, 1f)]], beforeBlock: start =>
        {
            if (start == 64)
            {
                gain.TryUpdateParameters(new GainParameters { GainDb = -6, SmoothingMs = 0 });
            }
        })[0];

        Assert.All(output[..64], s => Assert.Equal(1f, s));
        Assert.All(output[64..], s => Assert.Equal((float)Math.Pow(10, -6.0 / 20.0), s));
    }

    [Fact]
    public void Gain_processes_in_place_when_input_and_output_share_a_buffer()
    {
        var gain = new GainNode(new GainParameters { GainDb = -6 });
        var harness = new NodeHarness(gain, [1], [1]);
        float[] input = Signals.Noise(64, 3);
        input.CopyTo(harness.Inputs[0].GetChannel(0, 64));

        gain.Process(new Abstractions.Nodes.ProcessContext(64, 0, 48_000, harness.Inputs, harness.Inputs,
            harness.Events, offline: true));

        float g = (float)Math.Pow(10, -6.0 / 20.0);
        for (int n = 0; n < 64; n++)
        {
            Assert.Equal(input[n] * g, harness.Inputs[0].GetChannel(0, 64)[n], 1e-7f);
        }
    }
}
