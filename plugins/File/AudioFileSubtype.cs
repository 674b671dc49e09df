using System.Runtime.Serialization;

namespace SyfalaGraph.Plugins.File;

/// <summary>
/// The sample encoding <see cref="FileWriterNode"/> writes (YAML: <c>pcm_16</c>, <c>pcm_24</c>, <c>pcm_32</c>,
/// <c>float</c>, <c>double</c>, <c>vorbis</c>, <c>opus</c>, <c>flac</c>). Not every container takes every
/// encoding; the parameters' validation lists the valid ones. Source: libsndfile's subtypes,
/// https://libsndfile.github.io/libsndfile/formats.html.
/// </summary>
/// <remarks>
/// Member names carry the underscore of their YAML names (<c>Pcm_16</c> ↔ <c>pcm_16</c>), so a snake_case
/// conversion of the member name gives the YAML name; <see cref="EnumMemberAttribute"/> states it explicitly too.
/// </remarks>
public enum AudioFileSubtype
{
    /// <summary>Signed 16-bit integer PCM (overs clip).</summary>
    [EnumMember(Value = "pcm_16")]
    Pcm_16,

    /// <summary>Signed 24-bit integer PCM (overs clip). The default for every container but Ogg.</summary>
    [EnumMember(Value = "pcm_24")]
    Pcm_24,

    /// <summary>Signed 32-bit integer PCM (overs clip).</summary>
    [EnumMember(Value = "pcm_32")]
    Pcm_32,

    /// <summary>32-bit IEEE float: the graph's samples written unchanged (no clipping).</summary>
    [EnumMember(Value = "float")]
    Float,

    /// <summary>64-bit IEEE float.</summary>
    [EnumMember(Value = "double")]
    Double,

    /// <summary>Vorbis (lossy); Ogg container only. The default for Ogg.</summary>
    [EnumMember(Value = "vorbis")]
    Vorbis,

    /// <summary>Opus (lossy); Ogg container only; graph rate must be 8, 12, 16, 24 or 48 kHz.</summary>
    [EnumMember(Value = "opus")]
    Opus,

    /// <summary>FLAC lossless coding: shorthand for format <c>flac</c> with 24-bit samples.</summary>
    [EnumMember(Value = "flac")]
    Flac,
}
