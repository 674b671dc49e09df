namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// The sample encoding of a Syfala stream: the reference's <c>SampleType</c> enum. The numeric value of each
/// member is its postcard variant index on the wire (SYFALA-WIRE.md, "StreamFormats": 0 U8 … 11 F64).
/// </summary>
/// <remarks>
/// Samples are packed (24-bit = 3 bytes), little-endian, interleaved and uncompressed. Unsigned types are
/// offset binary: silence is 2^(bits-1). See <see cref="SampleTypeExtensions"/> for sizes.
/// </remarks>
public enum SampleType : byte
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

    /// <summary>IEEE 754 binary32 little-endian (the reference's <c>IEEF32</c>), full scale ±1.0. 4 bytes per sample.</summary>
    F32 = 10,

    /// <summary>IEEE 754 binary64 little-endian, full scale ±1.0. 8 bytes per sample.</summary>
    F64 = 11,
}
