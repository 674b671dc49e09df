namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// One stream's format: the reference's <c>syfala_proto::format::Format</c> (SYFALA-WIRE.md, "StreamFormats").
/// </summary>
/// <remarks>
/// Wire layout (postcard): <c>sample_rate</c> f64 little-endian (8 bytes) · <c>channel_count</c> varint u32 ·
/// <c>buffer_size</c> varint u32 · <c>sample_type</c> varint (variant index, see <see cref="Protocol.SampleType"/>).
/// A decoder accepts only a positive, normal sample rate and a non-zero channel count.
/// </remarks>
/// <param name="SampleRate">Frames per second, in Hz (f64; positive and normal on the wire).</param>
/// <param name="ChannelCount">Interleaved channels per frame (u32, ≥ 1 on the wire).</param>
/// <param name="BufferSize">Advisory block size in frames (u32); 0 means "not given".</param>
/// <param name="SampleType">The sample encoding.</param>
public readonly record struct StreamFormat(double SampleRate, uint ChannelCount, uint BufferSize, SampleType SampleType)
{
    /// <summary>The reference's standard format: F32, 48 kHz, 2 channels, buffer size 32 frames.</summary>
    public static StreamFormat Standard => new(48_000.0, 2, 32, SampleType.F32);

    /// <summary>Bytes per interleaved frame: <see cref="ChannelCount"/> × bytes per sample.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SampleType"/> is not defined.</exception>
    public ulong BytesPerFrame => ChannelCount * (ulong)SampleType.BytesPerSample();

    /// <summary>
    /// Whether the fields satisfy the wire's validity rules (normal positive sample rate, non-zero channel count,
    /// defined sample type) — what a conforming decoder accepts.
    /// </summary>
    public bool IsValid => SampleRate > 0 && double.IsNormal(SampleRate) && ChannelCount != 0 && SampleType.IsDefined();
}
