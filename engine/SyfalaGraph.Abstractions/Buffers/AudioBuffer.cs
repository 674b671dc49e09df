using System.Runtime.CompilerServices;

namespace SyfalaGraph.Abstractions.Buffers;

/// <summary>
/// Planar 32-bit float audio: <see cref="Channels"/> × <see cref="Capacity"/> frames, one contiguous
/// run per channel (channel <c>c</c> starts at <c>c * Capacity</c> in <see cref="Samples"/>).
/// Samples are nominally in [-1, 1] (0 dBFS = 1.0); values beyond are allowed inside the graph.
/// </summary>
public sealed class AudioBuffer
{
    /// <summary>Allocates a zeroed buffer.</summary>
    /// <param name="channels">Channel count, ≥ 0.</param>
    /// <param name="capacity">Frames per channel, ≥ 1 (the maximum block size).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative channel count or a capacity below 1.</exception>
    public AudioBuffer(int channels, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Channels = channels;
        Capacity = capacity;
        Samples = new float[channels * capacity];
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Frames per channel.</summary>
    public int Capacity { get; }

    /// <summary>The planar storage, channel-major (length <see cref="Channels"/> × <see cref="Capacity"/>).</summary>
    public float[] Samples { get; }

    /// <summary>The first <paramref name="frames"/> samples of channel <paramref name="channel"/>. Audio thread: yes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> GetChannel(int channel, int frames)
    {
        if ((uint)channel >= (uint)Channels || (uint)frames > (uint)Capacity)
        {
            ThrowOutOfRange();
        }

        return Samples.AsSpan(channel * Capacity, frames);
    }

    /// <summary>Sets the first <paramref name="frames"/> frames of every channel to 0. Audio thread: yes.</summary>
    public void Clear(int frames)
    {
        for (int c = 0; c < Channels; c++)
        {
            GetChannel(c, frames).Clear();
        }
    }

    /// <summary>
    /// Writes frames <paramref name="firstFrame"/> .. +<paramref name="destination"/>.Length/<see cref="Channels"/>
    /// interleaved into <paramref name="destination"/> (frame-major: L R L R …). Audio thread: yes.
    /// </summary>
    public void InterleaveTo(Span<float> destination, int firstFrame)
    {
        int channels = Channels;
        if (channels == 0)
        {
            return;
        }

        int frames = destination.Length / channels;
        float[] samples = Samples;
        if (channels == 1)
        {
            samples.AsSpan(firstFrame, frames).CopyTo(destination);
            return;
        }

        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> src = samples.AsSpan((c * Capacity) + firstFrame, frames);
            for (int f = 0, i = c; f < src.Length; f++, i += channels)
            {
                destination[i] = src[f];
            }
        }
    }

    /// <summary>
    /// Reads interleaved frames from <paramref name="source"/> into frames <paramref name="firstFrame"/>
    /// .. +<paramref name="source"/>.Length/<see cref="Channels"/> of this buffer. Audio thread: yes.
    /// </summary>
    public void DeinterleaveFrom(ReadOnlySpan<float> source, int firstFrame)
    {
        int channels = Channels;
        if (channels == 0)
        {
            return;
        }

        int frames = source.Length / channels;
        float[] samples = Samples;
        if (channels == 1)
        {
            source[..frames].CopyTo(samples.AsSpan(firstFrame, frames));
            return;
        }

        for (int c = 0; c < channels; c++)
        {
            Span<float> dst = samples.AsSpan((c * Capacity) + firstFrame, frames);
            for (int f = 0, i = c; f < dst.Length; f++, i += channels)
            {
                dst[f] = source[i];
            }
        }
    }

    private static void ThrowOutOfRange() =>
        throw new ArgumentOutOfRangeException("channel", "Channel or frame count out of range for this buffer.");
}
