using SyfalaGraph.Abstractions.Buffers;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary><see cref="AudioBuffer"/>: planar layout, bounds, clearing and (de)interleaving.</summary>
public sealed class AudioBufferTests
{
    [Fact]
    public void Channels_are_planar_runs_whose_stride_is_the_capacity()
    {
        var buffer = new AudioBuffer(3, 8);
        Assert.Equal(3, buffer.Channels);
        Assert.Equal(8, buffer.Capacity);
        Assert.Equal(24, buffer.Samples.Length);
        Assert.All(buffer.Samples, s => Assert.Equal(0f, s)); // zeroed

        for (int c = 0; c < 3; c++)
        {
            Span<float> channel = buffer.GetChannel(c, 5);
            Assert.Equal(5, channel.Length);
            channel.Fill(c + 1);
        }

        for (int c = 0; c < 3; c++)
        {
            for (int f = 0; f < 8; f++)
            {
                Assert.Equal(f < 5 ? c + 1 : 0f, buffer.Samples[(c * 8) + f]);
            }
        }
    }

    [Fact]
    public void GetChannel_spans_alias_the_samples()
    {
        var buffer = new AudioBuffer(2, 4);
        buffer.Samples[4 + 2] = 0.25f;
        Assert.Equal(0.25f, buffer.GetChannel(1, 4)[2]);
        Assert.True(buffer.GetChannel(0, 0).IsEmpty);
        Assert.Equal(4, buffer.GetChannel(1, 4).Length);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(2, 1)]
    [InlineData(int.MinValue, 1)]
    [InlineData(0, 5)]
    [InlineData(0, -1)]
    [InlineData(1, int.MaxValue)]
    public void GetChannel_out_of_bounds_throws_ArgumentOutOfRangeException(int channel, int frames)
    {
        var buffer = new AudioBuffer(2, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetChannel(channel, frames));
    }

    [Fact]
    public void A_buffer_with_no_channels_is_allowed_and_has_no_channel_0()
    {
        var buffer = new AudioBuffer(0, 4);
        Assert.Empty(buffer.Samples);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetChannel(0, 1));
        buffer.Clear(4);
        buffer.InterleaveTo([], 0);
        buffer.DeinterleaveFrom([], 0);
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(2, 0)]
    [InlineData(2, -3)]
    public void Negative_channels_or_a_capacity_below_1_are_rejected(int channels, int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioBuffer(channels, capacity));

    [Fact]
    public void Clear_zeroes_the_first_frames_of_every_channel_only()
    {
        var buffer = new AudioBuffer(2, 6);
        Array.Fill(buffer.Samples, 1f);
        buffer.Clear(4);
        Assert.Equal([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1], buffer.Samples);

        buffer.Clear(6);
        Assert.All(buffer.Samples, s => Assert.Equal(0f, s));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Clear(7));
    }

    [Fact]
    public void InterleaveTo_writes_frame_major_from_the_first_frame()
    {
        var buffer = new AudioBuffer(2, 4);
        float[] left = [1, 2, 3, 4], right = [-1, -2, -3, -4];
        left.CopyTo(buffer.GetChannel(0, 4));
        right.CopyTo(buffer.GetChannel(1, 4));

        var interleaved = new float[4];
        buffer.InterleaveTo(interleaved, 1);
        Assert.Equal([2, -2, 3, -3], interleaved);
    }

    [Fact]
    public void DeinterleaveFrom_reads_frame_major_into_frames_from_the_first_frame()
    {
        var buffer = new AudioBuffer(3, 4);
        buffer.DeinterleaveFrom([1, 10, 100, 2, 20, 200], 2);
        Assert.Equal([0, 0, 1, 2], buffer.GetChannel(0, 4).ToArray());
        Assert.Equal([0, 0, 10, 20], buffer.GetChannel(1, 4).ToArray());
        Assert.Equal([0, 0, 100, 200], buffer.GetChannel(2, 4).ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void Interleave_then_deinterleave_round_trips_bit_exactly(int channels)
    {
        const int Capacity = 37;
        var rng = new Random(channels);
        var source = new AudioBuffer(channels, Capacity);
        for (int i = 0; i < source.Samples.Length; i++)
        {
            source.Samples[i] = BitConverter.Int32BitsToSingle(rng.Next()); // any bit pattern, NaNs included
        }

        for (int first = 0; first < Capacity; first += 5)
        {
            int frames = Capacity - first;
            var interleaved = new float[frames * channels];
            source.InterleaveTo(interleaved, first);

            var copy = new AudioBuffer(channels, Capacity);
            copy.DeinterleaveFrom(interleaved, first);
            for (int c = 0; c < channels; c++)
            {
                for (int f = first; f < Capacity; f++)
                {
                    Assert.Equal(
                        BitConverter.SingleToInt32Bits(source.Samples[(c * Capacity) + f]),
                        BitConverter.SingleToInt32Bits(copy.Samples[(c * Capacity) + f]));
                    Assert.Equal(
                        BitConverter.SingleToInt32Bits(source.Samples[(c * Capacity) + f]),
                        BitConverter.SingleToInt32Bits(interleaved[((f - first) * channels) + c]));
                }
            }
        }
    }
}
