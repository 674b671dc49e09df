using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SyfalaGraph.Abstractions.Buffers;

namespace SyfalaGraph.Dsp.Formats;

// Design: conversion is split in two steps that each vectorise well. (1) (De)interleaving moves float32 samples
// between planar channels and one interleaved run (frame-major: L R L R …); stereo has a SIMD path (SSE unpack /
// shuffle, AdvSimd zip / unzip). (2) A contiguous kernel converts an interleaved run of floats to or from packed wire
// samples — it does not care about channels, so every sample type vectorises with the same loop. Multi-channel
// conversions go through a 4 KiB stack scratch chunk (L1-resident); mono goes straight through, and F32 interleaves
// directly into the wire bytes (the conversion is a bit copy). Vector and scalar kernels are written to give
// bit-identical results: scaling is by powers of two (exact), rounding is to nearest-even in both (MathF.Round /
// Vector128.Round), clamping happens on integral values, and NaN is zeroed first. The scalar kernels run when
// Vector128 is not hardware accelerated (e.g. DOTNET_EnableHWIntrinsic=0) or on big-endian hosts. Big-endian formats
// run the little-endian kernel and reverse each sample's bytes (SampleFormatConverter.ByteOrder.cs), so they give the
// little-endian results bit for bit, in network byte order.

/// <summary>
/// Converts between planar float32 audio (the graph's format, full scale ±1.0) and packed wire samples: interleaved,
/// packed samples of any <see cref="SampleFormat"/> — the Syfala wire's twelve little-endian types
/// (SYFALA-WIRE.md, "StreamFormats") and RTP's big-endian L16/L24/L32.
/// </summary>
/// <remarks>
/// <para><b>Shapes.</b> Planar: <c>channels</c> runs of <c>frames</c> floats, channel <c>c</c> starting at
/// <c>c × channelStride</c> (for an <see cref="AudioBuffer"/> the stride is its capacity). Wire: <c>frames</c> frames
/// of <c>channels</c> samples each (frame-major), <c>frames × channels × BytesPerSample</c> bytes.</para>
/// <para><b>float → integer</b> (encode): <c>q = round_to_nearest_even(x × 2^(bits-1))</c>, clipped to
/// [−2^(bits-1), 2^(bits-1) − 1] (I16: [−32768, 32767], so 1.0 → 32767 and −1.0 → −32768); NaN → 0 (silence);
/// ±∞ clip. Unsigned types add the offset 2^(bits-1) (offset binary: 0.0 → 0x80, 0x8000, …). 32-bit results are
/// computed exactly as in double arithmetic; 64-bit ones in double.</para>
/// <para><b>integer → float</b> (decode): <c>x = q / 2^(bits-1)</c> (unsigned: first subtract the offset), rounded to the
/// nearest float (exact for 8/16/24-bit; 32/64-bit lose precision beyond float's 24-bit mantissa).</para>
/// <para><b>F32</b> is a bit-exact copy both ways (NaN payloads included); <b>F64</b> converts (decode rounds to
/// nearest float).</para>
/// <para>Audio thread: yes for every member — no allocation, no locks; exceptions only for programming errors
/// (shapes that do not fit the spans).</para>
/// </remarks>
public static partial class SampleFormatConverter
{
    /// <summary>Floats per stack scratch chunk (4 KiB) for multi-channel conversions.</summary>
    private const int ChunkSamples = 1024;

    /// <summary>Whether the SIMD kernels are used in this process (Vector128 accelerated and a little-endian host).</summary>
    public static bool IsVectorized => VectorEnabled;

    private static readonly bool VectorEnabled = Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian;

    /// <summary>Wire bytes for <paramref name="frames"/> frames of <paramref name="channels"/> samples of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative counts, an undefined type, or a result above <see cref="int.MaxValue"/>.</exception>
    public static int GetByteCount(SampleFormat type, int channels, int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        long bytes = (long)channels * frames * type.BytesPerSample();
        if (bytes > int.MaxValue)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(frames), "Byte count exceeds int.MaxValue.");
        }

        return (int)bytes;
    }

    /// <summary>
    /// Converts planar floats to interleaved wire bytes. Audio thread: yes.
    /// </summary>
    /// <param name="type">Wire sample format.</param>
    /// <param name="planar">Source: channel <c>c</c>, frame <c>f</c> at <c>c × channelStride + f</c>.</param>
    /// <param name="channelStride">Distance in floats between the starts of consecutive channels (≥ frames when channels &gt; 1).</param>
    /// <param name="channels">Channels per frame (≥ 1).</param>
    /// <param name="frames">Frames to convert (≥ 0).</param>
    /// <param name="destination">Receives <c>frames × channels</c> packed samples, frame-major.</param>
    /// <returns>Bytes written: <see cref="GetByteCount"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The shape does not fit <paramref name="planar"/> or <paramref name="destination"/>.</exception>
    public static int Encode(SampleFormat type, ReadOnlySpan<float> planar, int channelStride, int channels, int frames, Span<byte> destination)
    {
        int bytes = ValidateShape(type, planar.Length, channelStride, channels, frames, destination.Length);
        EncodeCore(type, planar, channelStride, channels, frames, destination[..bytes], VectorEnabled);
        return bytes;
    }

    /// <summary>
    /// Converts channels <paramref name="firstChannel"/> .. +<paramref name="channels"/> of <paramref name="source"/>,
    /// frames <paramref name="firstFrame"/> .. +<paramref name="frames"/>, to interleaved wire bytes. Audio thread: yes.
    /// </summary>
    /// <param name="type">Wire sample format.</param>
    /// <param name="source">Planar buffer (stride = its capacity).</param>
    /// <param name="firstChannel">First buffer channel; it becomes wire channel 0.</param>
    /// <param name="channels">Channels per wire frame (≥ 1).</param>
    /// <param name="firstFrame">First buffer frame.</param>
    /// <param name="frames">Frames to convert.</param>
    /// <param name="destination">Receives <c>frames × channels</c> packed samples, frame-major.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The channel/frame range is outside the buffer, or <paramref name="destination"/> is too small.</exception>
    public static int Encode(SampleFormat type, AudioBuffer source, int firstChannel, int channels, int firstFrame, int frames, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ReadOnlySpan<float> planar = SliceBuffer(source, firstChannel, channels, firstFrame, frames);
        return Encode(type, planar, source.Capacity, channels, frames, destination);
    }

    /// <summary>
    /// Converts interleaved wire bytes to planar floats. Audio thread: yes.
    /// </summary>
    /// <param name="type">Wire sample format.</param>
    /// <param name="source"><c>frames × channels</c> packed samples, frame-major (extra bytes are ignored).</param>
    /// <param name="channels">Channels per frame (≥ 1).</param>
    /// <param name="frames">Frames to convert (≥ 0).</param>
    /// <param name="planar">Destination: channel <c>c</c>, frame <c>f</c> at <c>c × channelStride + f</c>.</param>
    /// <param name="channelStride">Distance in floats between the starts of consecutive channels (≥ frames when channels &gt; 1).</param>
    /// <returns>Bytes read: <see cref="GetByteCount"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The shape does not fit <paramref name="source"/> or <paramref name="planar"/>.</exception>
    public static int Decode(SampleFormat type, ReadOnlySpan<byte> source, int channels, int frames, Span<float> planar, int channelStride)
    {
        int bytes = ValidateShape(type, planar.Length, channelStride, channels, frames, source.Length);
        DecodeCore(type, source[..bytes], channels, frames, planar, channelStride, VectorEnabled);
        return bytes;
    }

    /// <summary>
    /// Converts interleaved wire bytes into channels <paramref name="firstChannel"/> .. +<paramref name="channels"/>,
    /// frames <paramref name="firstFrame"/> .. +<paramref name="frames"/> of <paramref name="destination"/>. Audio thread: yes.
    /// </summary>
    /// <param name="type">Wire sample format.</param>
    /// <param name="source"><c>frames × channels</c> packed samples, frame-major.</param>
    /// <param name="channels">Channels per wire frame (≥ 1); wire channel 0 goes to <paramref name="firstChannel"/>.</param>
    /// <param name="frames">Frames to convert.</param>
    /// <param name="destination">Planar buffer (stride = its capacity).</param>
    /// <param name="firstChannel">First buffer channel written.</param>
    /// <param name="firstFrame">First buffer frame written.</param>
    /// <returns>Bytes read.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The channel/frame range is outside the buffer, or <paramref name="source"/> is too short.</exception>
    public static int Decode(SampleFormat type, ReadOnlySpan<byte> source, int channels, int frames, AudioBuffer destination, int firstChannel, int firstFrame)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<float> planar = SliceBuffer(destination, firstChannel, channels, firstFrame, frames);
        return Decode(type, source, channels, frames, planar, destination.Capacity);
    }

    /// <summary>
    /// Converts a contiguous run of floats (already interleaved, or mono) to packed wire samples, one per float.
    /// Audio thread: yes.
    /// </summary>
    /// <param name="type">Wire sample format.</param>
    /// <param name="samples">The samples, in wire order.</param>
    /// <param name="destination">At least <c>samples.Length × BytesPerSample</c> bytes.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too small.</exception>
    public static int EncodeSamples(SampleFormat type, ReadOnlySpan<float> samples, Span<byte> destination)
    {
        int bytes = GetByteCount(type, 1, samples.Length);
        if (destination.Length < bytes)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(destination), "Destination too small for the samples.");
        }

        EncodeRun(type, samples, destination[..bytes], VectorEnabled);
        return bytes;
    }

    /// <summary>
    /// Converts packed wire samples to a contiguous run of floats (interleaved order is kept), one per sample.
    /// Audio thread: yes.
    /// </summary>
    /// <param name="type">Wire sample format.</param>
    /// <param name="source">At least <c>samples.Length × BytesPerSample</c> bytes.</param>
    /// <param name="samples">Receives the samples.</param>
    /// <returns>Bytes read.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is too short.</exception>
    public static int DecodeSamples(SampleFormat type, ReadOnlySpan<byte> source, Span<float> samples)
    {
        int bytes = GetByteCount(type, 1, samples.Length);
        if (source.Length < bytes)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(source), "Source too short for the samples.");
        }

        DecodeRun(type, source[..bytes], samples, VectorEnabled);
        return bytes;
    }

    // ------------------------------------------------------------------ internals (tests call these with vector on/off)

    internal static void EncodeCore(SampleFormat type, ReadOnlySpan<float> planar, int stride, int channels, int frames, Span<byte> destination, bool vector)
    {
        if (channels == 1)
        {
            EncodeRun(type, planar[..frames], destination, vector);
            return;
        }

        if (type == SampleFormat.F32 && BitConverter.IsLittleEndian)
        {
            Interleave(planar, stride, channels, 0, frames, MemoryMarshal.Cast<byte, float>(destination), vector);
            return;
        }

        int bytesPerSample = type.BytesPerSample();
        int chunkFrames = ChunkSamples / channels;
        if (chunkFrames == 0)
        {
            EncodeWide(type, planar, stride, channels, frames, destination, vector);
            return;
        }

        Span<float> scratch = stackalloc float[ChunkSamples];
        for (int f = 0; f < frames; f += chunkFrames)
        {
            int n = Math.Min(chunkFrames, frames - f);
            Span<float> run = scratch[..(n * channels)];
            Interleave(planar, stride, channels, f, n, run, vector);
            EncodeRun(type, run, destination.Slice(f * channels * bytesPerSample, run.Length * bytesPerSample), vector);
        }
    }

    internal static void DecodeCore(SampleFormat type, ReadOnlySpan<byte> source, int channels, int frames, Span<float> planar, int stride, bool vector)
    {
        if (channels == 1)
        {
            DecodeRun(type, source, planar[..frames], vector);
            return;
        }

        if (type == SampleFormat.F32 && BitConverter.IsLittleEndian)
        {
            Deinterleave(MemoryMarshal.Cast<byte, float>(source), planar, stride, channels, 0, frames, vector);
            return;
        }

        int bytesPerSample = type.BytesPerSample();
        int chunkFrames = ChunkSamples / channels;
        if (chunkFrames == 0)
        {
            DecodeWide(type, source, channels, frames, planar, stride, vector);
            return;
        }

        Span<float> scratch = stackalloc float[ChunkSamples];
        for (int f = 0; f < frames; f += chunkFrames)
        {
            int n = Math.Min(chunkFrames, frames - f);
            Span<float> run = scratch[..(n * channels)];
            DecodeRun(type, source.Slice(f * channels * bytesPerSample, run.Length * bytesPerSample), run, vector);
            Deinterleave(run, planar, stride, channels, f, n, vector);
        }
    }

    /// <summary>More channels than a scratch chunk holds: convert channel by channel, sample by sample.</summary>
    private static void EncodeWide(SampleFormat type, ReadOnlySpan<float> planar, int stride, int channels, int frames, Span<byte> destination, bool vector)
    {
        int bps = type.BytesPerSample();
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                EncodeRun(type, planar.Slice((c * stride) + f, 1), destination.Slice(((f * channels) + c) * bps, bps), vector);
            }
        }
    }

    private static void DecodeWide(SampleFormat type, ReadOnlySpan<byte> source, int channels, int frames, Span<float> planar, int stride, bool vector)
    {
        int bps = type.BytesPerSample();
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                DecodeRun(type, source.Slice(((f * channels) + c) * bps, bps), planar.Slice((c * stride) + f, 1), vector);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValidateShape(SampleFormat type, int planarLength, int stride, int channels, int frames, int bytesLength)
    {
        if (channels < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(channels), "At least one channel is needed.");
        }

        if (frames < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(frames), "Frame count must not be negative.");
        }

        if (channels > 1 && stride < frames)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(stride), "Channel stride must be at least the frame count.");
        }

        if (frames > 0 && ((long)(channels - 1) * stride) + frames > planarLength)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(planarLength), "The planar span is too short for channels × stride.");
        }

        int bytes = GetByteCount(type, channels, frames);
        if (bytesLength < bytes)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(bytesLength), "The byte span is too short for frames × channels × bytes per sample.");
        }

        return bytes;
    }

    private static Span<float> SliceBuffer(AudioBuffer buffer, int firstChannel, int channels, int firstFrame, int frames)
    {
        if (firstChannel < 0 || channels < 1 || firstChannel + channels > buffer.Channels)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(firstChannel), "Channel range outside the buffer.");
        }

        if (firstFrame < 0 || frames < 0 || firstFrame + frames > buffer.Capacity)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(firstFrame), "Frame range outside the buffer.");
        }

        int start = (firstChannel * buffer.Capacity) + firstFrame;
        int length = ((channels - 1) * buffer.Capacity) + frames;
        return buffer.Samples.AsSpan(start, length);
    }
}
