namespace SyfalaGraph.Dsp.Formats;

/// <summary>
/// A packed, interleaved PCM or IEEE sample encoding that <see cref="SampleFormatConverter"/> converts to and from the
/// graph's planar float32. Members 0 … 11 are the Syfala wire's twelve little-endian types, numbered as the Syfala
/// protocol's <c>SampleType</c> variant indices (SYFALA-WIRE.md, "StreamFormats"), so that protocol maps onto these by
/// value; 12 … 14 are the big-endian signed types of RTP payloads (L16: RFC 3551 §4.5.11; L24: RFC 3190 §4; L32 for
/// 32-bit AES67-style streams).
/// </summary>
/// <remarks>
/// Unsigned types are offset binary: silence is 2^(bits-1). 24-bit types are packed in 3 bytes.
/// See <see cref="SampleFormatExtensions"/> for sizes.
/// </remarks>
public enum SampleFormat : byte
{
    /// <summary>Unsigned 8-bit, offset binary (silence 0x80). 1 byte per sample.</summary>
    U8 = 0,

    /// <summary>Unsigned 16-bit little-endian, offset binary (silence 0x8000). 2 bytes per sample.</summary>
    U16 = 1,

    /// <summary>Unsigned 24-bit packed little-endian, offset binary (silence 0x800000). 3 bytes per sample.</summary>
    U24 = 2,

    /// <summary>Unsigned 32-bit little-endian, offset binary (silence 0x8000_0000). 4 bytes per sample.</summary>
    U32 = 3,

    /// <summary>Unsigned 64-bit little-endian, offset binary (silence 2^63). 8 bytes per sample.</summary>
    U64 = 4,

    /// <summary>Signed 8-bit two's complement. 1 byte per sample.</summary>
    I8 = 5,

    /// <summary>Signed 16-bit two's complement little-endian. 2 bytes per sample.</summary>
    I16 = 6,

    /// <summary>Signed 24-bit two's complement, packed little-endian (3 bytes: low, mid, high). 3 bytes per sample.</summary>
    I24 = 7,

    /// <summary>Signed 32-bit two's complement little-endian. 4 bytes per sample.</summary>
    I32 = 8,

    /// <summary>Signed 64-bit two's complement little-endian. 8 bytes per sample.</summary>
    I64 = 9,

    /// <summary>IEEE 754 binary32 little-endian, full scale ±1.0. 4 bytes per sample.</summary>
    F32 = 10,

    /// <summary>IEEE 754 binary64 little-endian, full scale ±1.0. 8 bytes per sample.</summary>
    F64 = 11,

    /// <summary>Signed 16-bit two's complement big-endian (network order): RTP's L16. 2 bytes per sample.</summary>
    I16BigEndian = 12,

    /// <summary>Signed 24-bit two's complement, packed big-endian (3 bytes: high, mid, low): RTP's L24. 3 bytes per sample.</summary>
    I24BigEndian = 13,

    /// <summary>Signed 32-bit two's complement big-endian: L32. 4 bytes per sample.</summary>
    I32BigEndian = 14,
}
