namespace SyfalaGraph.Plugins.File;

/// <summary>
/// The container <see cref="FileWriterNode"/> writes (YAML: <c>wav</c>, <c>aiff</c>, <c>flac</c>, <c>ogg</c>,
/// <c>caf</c>, <c>w64</c>, <c>rf64</c>, <c>au</c>). Source: libsndfile's major formats,
/// https://libsndfile.github.io/libsndfile/formats.html.
/// </summary>
public enum AudioFileFormat
{
    /// <summary>Microsoft WAV (RIFF, little endian; 4 GiB limit). Extension <c>.wav</c>.</summary>
    Wav,

    /// <summary>Apple/SGI AIFF (big endian). Extensions <c>.aif</c>, <c>.aiff</c>, <c>.aifc</c>.</summary>
    Aiff,

    /// <summary>FLAC lossless (PCM subtypes up to 24 bits). Extension <c>.flac</c>.</summary>
    Flac,

    /// <summary>Xiph Ogg container (Vorbis or Opus subtypes). Extensions <c>.ogg</c>, <c>.oga</c>, <c>.opus</c>.</summary>
    Ogg,

    /// <summary>Apple Core Audio Format. Extension <c>.caf</c>.</summary>
    Caf,

    /// <summary>Sonic Foundry Wave64 (64-bit RIFF). Extension <c>.w64</c>.</summary>
    W64,

    /// <summary>EBU RF64 (WAV without the 4 GiB limit). Extension <c>.rf64</c>.</summary>
    Rf64,

    /// <summary>Sun/NeXT AU. Extensions <c>.au</c>, <c>.snd</c>.</summary>
    Au,
}
