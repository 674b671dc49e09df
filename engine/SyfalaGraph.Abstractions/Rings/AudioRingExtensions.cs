using SyfalaGraph.Abstractions.Buffers;

namespace SyfalaGraph.Abstractions.Rings;

/// <summary>
/// Moves planar <see cref="AudioBuffer"/> blocks through float rings that hold interleaved frames
/// (L R L R …): whole frames per operation, no intermediate copy. Audio thread: yes.
/// </summary>
public static class AudioRingExtensions
{
    /// <summary>
    /// Interleaves the first <paramref name="frames"/> frames of <paramref name="source"/> into the ring;
    /// all or nothing (false and an overflow counted when there is not room).
    /// </summary>
    public static bool TryWriteFrames(this RingProducer<float> producer, AudioBuffer source, int frames)
    {
        int channels = source.Channels;
        if (channels == 0)
        {
            return true; // nothing to move (a port with no channels)
        }

        if (!producer.TryBeginWrite(frames * channels, out Span<float> first, out Span<float> second))
        {
            return false;
        }

        // The ring capacity is a multiple of nothing in particular, so a wrap may split a frame.
        WriteSplit(source, first, second, channels);
        producer.Commit(frames * channels);
        return true;
    }

    /// <summary>
    /// Reads <paramref name="frames"/> interleaved frames from the ring into the first frames of
    /// <paramref name="destination"/>; all or nothing (false and an underflow counted when fewer are available).
    /// </summary>
    public static bool TryReadFrames(this RingConsumer<float> consumer, AudioBuffer destination, int frames) =>
        consumer.TryReadFrames(destination, 0, frames);

    /// <summary>
    /// Reads <paramref name="frames"/> interleaved frames from the ring into frames <paramref name="firstFrame"/>
    /// .. +<paramref name="frames"/> of <paramref name="destination"/>; all or nothing (false and an underflow
    /// counted when fewer are available).
    /// </summary>
    public static bool TryReadFrames(this RingConsumer<float> consumer, AudioBuffer destination, int firstFrame, int frames)
    {
        int channels = destination.Channels;
        if (channels == 0)
        {
            return true;
        }

        if (!consumer.TryBeginRead(frames * channels, out ReadOnlySpan<float> first, out ReadOnlySpan<float> second))
        {
            return false;
        }

        ReadSplit(destination, firstFrame, first, second, channels);
        consumer.Release(frames * channels);
        return true;
    }

    private static void WriteSplit(AudioBuffer source, Span<float> first, Span<float> second, int channels)
    {
        int wholeFrames = first.Length / channels;
        source.InterleaveTo(first[..(wholeFrames * channels)], 0);
        int remainder = first.Length - (wholeFrames * channels);
        int frame = wholeFrames;
        if (remainder > 0)
        {
            // One frame straddles the wrap: write it sample by sample.
            for (int c = 0; c < channels; c++)
            {
                float s = source.Samples[(c * source.Capacity) + frame];
                if (c < remainder)
                {
                    first[(wholeFrames * channels) + c] = s;
                }
                else
                {
                    second[c - remainder] = s;
                }
            }

            frame++;
            second = second[(channels - remainder)..];
        }

        source.InterleaveTo(second, frame);
    }

    private static void ReadSplit(AudioBuffer destination, int firstFrame, ReadOnlySpan<float> first, ReadOnlySpan<float> second, int channels)
    {
        int wholeFrames = first.Length / channels;
        destination.DeinterleaveFrom(first[..(wholeFrames * channels)], firstFrame);
        int remainder = first.Length - (wholeFrames * channels);
        int frame = firstFrame + wholeFrames;
        if (remainder > 0)
        {
            for (int c = 0; c < channels; c++)
            {
                destination.Samples[(c * destination.Capacity) + frame] =
                    c < remainder ? first[(wholeFrames * channels) + c] : second[c - remainder];
            }

            frame++;
            second = second[(channels - remainder)..];
        }

        destination.DeinterleaveFrom(second, frame);
    }
}
