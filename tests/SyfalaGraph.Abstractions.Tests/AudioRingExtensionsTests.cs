using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Rings;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary>
/// <see cref="AudioRingExtensions"/>: planar buffers in, interleaved frames in the ring, planar buffers out,
/// exact to the bit, including when the ring's wrap falls inside a frame.
/// </summary>
public sealed class AudioRingExtensionsTests
{
    private const int RingCapacity = 16; // a power of two: not a multiple of 3 or 5; odd offsets split stereo frames

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void TryWriteFrames_interleaves_planar_frames_exactly_at_every_wrap_position(int channels)
    {
        int splitCases = 0;
        for (int offset = 0; offset < RingCapacity; offset++)
        {
            for (int frames = 1; frames * channels <= RingCapacity; frames++)
            {
                (RingProducer<float> producer, RingConsumer<float> consumer) = SpscRing.Create<float>(RingCapacity);
                SpscRingTests.Advance(producer, consumer, offset);
                AudioBuffer source = Planar(channels, capacity: frames + 3); // stride ≠ frames
                splitCases += SplitsAFrame(offset, frames, channels) ? 1 : 0;

                Assert.True(producer.TryWriteFrames(source, frames));
                Assert.Equal(frames * channels, consumer.AvailableToRead);

                var raw = new float[frames * channels];
                Assert.True(consumer.TryRead(raw));
                Assert.Equal(Interleaved(channels, frames), raw);
            }
        }

        Assert.True(channels == 1 || splitCases > 0, "no case split a frame across the wrap");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void TryReadFrames_deinterleaves_frames_exactly_at_every_wrap_position(int channels)
    {
        for (int offset = 0; offset < RingCapacity; offset++)
        {
            for (int frames = 1; frames * channels <= RingCapacity; frames++)
            {
                (RingProducer<float> producer, RingConsumer<float> consumer) = SpscRing.Create<float>(RingCapacity);
                SpscRingTests.Advance(producer, consumer, offset);
                Assert.True(producer.TryWrite(Interleaved(channels, frames)));

                var destination = new AudioBuffer(channels, frames + 3);
                Array.Fill(destination.Samples, float.NaN);
                Assert.True(consumer.TryReadFrames(destination, frames));
                Assert.Equal(0, consumer.AvailableToRead);

                for (int c = 0; c < channels; c++)
                {
                    for (int f = 0; f < destination.Capacity; f++)
                    {
                        float actual = destination.Samples[(c * destination.Capacity) + f];
                        if (f < frames)
                        {
                            Assert.Equal(Value(c, f), actual);
                        }
                        else
                        {
                            Assert.True(float.IsNaN(actual), $"frame {f} of channel {c} beyond the read was written");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Blocks_round_trip_planar_to_interleaved_to_planar_over_many_wraps(int channels)
    {
        const int Block = 7;
        (RingProducer<float> producer, RingConsumer<float> consumer) = SpscRing.Create<float>(64);
        var source = new AudioBuffer(channels, Block);
        var destination = new AudioBuffer(channels, Block);
        var rng = new Random(channels);
        for (int block = 0; block < 500; block++)
        {
            int frames = rng.Next(1, Block + 1);
            for (int i = 0; i < source.Samples.Length; i++)
            {
                source.Samples[i] = (float)rng.NextDouble() - 0.5f;
            }

            Assert.True(producer.TryWriteFrames(source, frames));
            Assert.True(consumer.TryReadFrames(destination, frames));
            for (int c = 0; c < channels; c++)
            {
                Assert.Equal(source.GetChannel(c, frames).ToArray(), destination.GetChannel(c, frames).ToArray());
            }
        }
    }

    [Fact]
    public void TryWriteFrames_without_room_for_every_frame_writes_nothing_and_counts_an_overflow()
    {
        (RingProducer<float> producer, RingConsumer<float> consumer) = SpscRing.Create<float>(16);
        AudioBuffer source = Planar(3, 8);
        Assert.True(producer.TryWriteFrames(source, 4)); // 12 of 16

        Assert.False(producer.TryWriteFrames(source, 2)); // 6 > 4 free
        Assert.Equal(1, producer.Overflows);
        Assert.Equal(12, producer.TotalWritten);
        Assert.Equal(12, consumer.AvailableToRead);
    }

    [Fact]
    public void TryReadFrames_with_too_few_frames_reads_nothing_and_counts_an_underflow()
    {
        (RingProducer<float> producer, RingConsumer<float> consumer) = SpscRing.Create<float>(16);
        Assert.True(producer.TryWrite(Interleaved(2, 3)));
        var destination = new AudioBuffer(2, 8);
        Array.Fill(destination.Samples, 9f);

        Assert.False(consumer.TryReadFrames(destination, 4));
        Assert.Equal(1, consumer.Underflows);
        Assert.Equal(6, consumer.AvailableToRead);
        Assert.All(destination.Samples, s => Assert.Equal(9f, s));
    }

    [Fact]
    public void A_buffer_with_no_channels_moves_no_samples_and_succeeds()
    {
        // AudioBuffer allows 0 channels (its InterleaveTo/DeinterleaveFrom return early for them).
        (RingProducer<float> producer, RingConsumer<float> consumer) = SpscRing.Create<float>(16);
        var empty = new AudioBuffer(0, 8);

        Assert.True(producer.TryWriteFrames(empty, 8));
        Assert.True(consumer.TryReadFrames(empty, 8));
        Assert.Equal(0, producer.TotalWritten);
        Assert.Equal(0, producer.Overflows);
        Assert.Equal(0, consumer.Underflows);
    }

    [Theory]
    [InlineData(2, 64)]
    [InlineData(3, 64)] // 192 samples per block in a 1024 ring: most wraps split a frame
    public void TryWriteFrames_and_TryReadFrames_allocate_nothing_after_warm_up(int channels, int frames)
    {
        (RingProducer<float> producer, RingConsumer<float> consumer) = SpscRing.Create<float>(1024);
        AudioBuffer source = Planar(channels, frames);
        var destination = new AudioBuffer(channels, frames);
        bool ok = true;
        for (int i = 0; i < 2_000; i++)
        {
            ok &= producer.TryWriteFrames(source, frames);
            ok &= consumer.TryReadFrames(destination, frames);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            ok &= producer.TryWriteFrames(source, frames);
            ok &= consumer.TryReadFrames(destination, frames);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ok);
        Assert.Equal(0, allocated);
        Assert.Equal(source.Samples, destination.Samples);
    }

    private static bool SplitsAFrame(int offset, int frames, int channels)
    {
        int start = offset % RingCapacity;
        int beforeWrap = RingCapacity - start;
        return frames * channels > beforeWrap && beforeWrap % channels != 0;
    }

    private static float Value(int channel, int frame) => (channel * 1000) + frame + 1;

    private static AudioBuffer Planar(int channels, int capacity)
    {
        var buffer = new AudioBuffer(channels, capacity);
        for (int c = 0; c < channels; c++)
        {
            for (int f = 0; f < capacity; f++)
            {
                buffer.Samples[(c * capacity) + f] = Value(c, f);
            }
        }

        return buffer;
    }

    private static float[] Interleaved(int channels, int frames)
    {
        var samples = new float[channels * frames];
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                samples[(f * channels) + c] = Value(c, f);
            }
        }

        return samples;
    }
}
