namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// Why <see cref="SyfalaCodec"/> rejected a datagram. Decoding never throws; every malformed input maps to one of
/// these. The reference (postcard 1.x) reports <c>DeserializeUnexpectedEnd</c>, <c>DeserializeBadVarint</c> or
/// <c>SerdeDeCustom</c> (the last covers the unknown-variant and field-validation cases below).
/// </summary>
public enum DecodeError : byte
{
    /// <summary>No error: the message decoded.</summary>
    None = 0,

    /// <summary>The datagram ended inside a field (postcard <c>DeserializeUnexpectedEnd</c>).</summary>
    UnexpectedEnd = 1,

    /// <summary>The message variant index is not defined for this direction (postcard <c>SerdeDeCustom</c>).</summary>
    UnknownVariant = 2,

    /// <summary>
    /// A varint is longer than its type allows, or its last byte carries bits beyond the type's width
    /// (u32: 5 bytes, 5th ≤ 0x0F; usize/u64: 10 bytes, 10th ≤ 0x01) — postcard <c>DeserializeBadVarint</c>.
    /// </summary>
    VarintOverflow = 3,

    /// <summary>A format's sample rate is 0, negative, NaN, infinite or subnormal (postcard <c>SerdeDeCustom</c>).</summary>
    InvalidSampleRate = 4,

    /// <summary>A format's channel count is 0 (postcard <c>SerdeDeCustom</c>).</summary>
    ZeroChannels = 5,

    /// <summary>A format's sample type index is not 0 … 11 (postcard <c>SerdeDeCustom</c>).</summary>
    UnknownSampleType = 6,

    /// <summary>
    /// Well-formed, but beyond this decoder's <see cref="SyfalaLimits"/> (streams, channels or sample rate).
    /// The reference has no such limits; <see cref="SyfalaLimits.Unbounded"/> turns them off.
    /// </summary>
    LimitExceeded = 7,
}
