using SyfalaGraph.Plugins.File.Interop;

namespace SyfalaGraph.Plugins.File;

/// <summary>
/// Maps <see cref="AudioFileFormat"/>/<see cref="AudioFileSubtype"/> and file extensions to libsndfile
/// <c>SF_FORMAT_*</c> codes, and checks combinations with <c>sf_format_check</c>. Audio thread: no.
/// </summary>
internal static class SoundFileFormats
{
    /// <summary>The YAML names of every container, for messages.</summary>
    public static string AllFormatNames => string.Join(", ", Enum.GetValues<AudioFileFormat>().Select(Name));

    /// <summary>The YAML (snake_case) name of an enum value: <c>Pcm_16</c> → <c>pcm_16</c>, <c>Rf64</c> → <c>rf64</c>.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>The container implied by a path's extension, or null when the extension is unknown.</summary>
    public static AudioFileFormat? FromExtension(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".wav" or ".wave" => AudioFileFormat.Wav,
            ".aif" or ".aiff" or ".aifc" => AudioFileFormat.Aiff,
            ".flac" => AudioFileFormat.Flac,
            ".ogg" or ".oga" or ".opus" => AudioFileFormat.Ogg,
            ".caf" => AudioFileFormat.Caf,
            ".w64" => AudioFileFormat.W64,
            ".rf64" => AudioFileFormat.Rf64,
            ".au" or ".snd" => AudioFileFormat.Au,
            _ => null,
        };

    /// <summary>The encoding used when none is given: Vorbis for Ogg (Opus for a <c>.opus</c> file), 24-bit PCM otherwise.</summary>
    public static AudioFileSubtype DefaultSubtype(AudioFileFormat format, string path) =>
        format != AudioFileFormat.Ogg ? AudioFileSubtype.Pcm_24
        : Path.GetExtension(path).Equals(".opus", StringComparison.OrdinalIgnoreCase) ? AudioFileSubtype.Opus
        : AudioFileSubtype.Vorbis;

    /// <summary>True for integer PCM encodings, where libsndfile must clip overs instead of wrapping them.</summary>
    public static bool IsInteger(AudioFileSubtype subtype) =>
        subtype is AudioFileSubtype.Pcm_16 or AudioFileSubtype.Pcm_24 or AudioFileSubtype.Pcm_32 or AudioFileSubtype.Flac;

    /// <summary>The libsndfile major-format code.</summary>
    public static int ContainerCode(AudioFileFormat format) => format switch
    {
        AudioFileFormat.Wav => SndFile.SF_FORMAT_WAV,
        AudioFileFormat.Aiff => SndFile.SF_FORMAT_AIFF,
        AudioFileFormat.Flac => SndFile.SF_FORMAT_FLAC,
        AudioFileFormat.Ogg => SndFile.SF_FORMAT_OGG,
        AudioFileFormat.Caf => SndFile.SF_FORMAT_CAF,
        AudioFileFormat.W64 => SndFile.SF_FORMAT_W64,
        AudioFileFormat.Rf64 => SndFile.SF_FORMAT_RF64,
        AudioFileFormat.Au => SndFile.SF_FORMAT_AU,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The libsndfile subtype code (<c>flac</c> is FLAC's own 24-bit PCM coding).</summary>
    public static int SubtypeCode(AudioFileSubtype subtype) => subtype switch
    {
        AudioFileSubtype.Pcm_16 => SndFile.SF_FORMAT_PCM_16,
        AudioFileSubtype.Pcm_24 or AudioFileSubtype.Flac => SndFile.SF_FORMAT_PCM_24,
        AudioFileSubtype.Pcm_32 => SndFile.SF_FORMAT_PCM_32,
        AudioFileSubtype.Float => SndFile.SF_FORMAT_FLOAT,
        AudioFileSubtype.Double => SndFile.SF_FORMAT_DOUBLE,
        AudioFileSubtype.Vorbis => SndFile.SF_FORMAT_VORBIS,
        AudioFileSubtype.Opus => SndFile.SF_FORMAT_OPUS,
        _ => throw new ArgumentOutOfRangeException(nameof(subtype), subtype, null),
    };

    /// <summary><c>sf_format_check</c> for a container/subtype pair at a rate and channel count. libsndfile must be loaded.</summary>
    public static unsafe bool Check(int format, int sampleRate, int channels)
    {
        SfInfo info = default;
        info.Format = format;
        info.SampleRate = sampleRate;
        info.Channels = channels;
        return SndFile.FormatCheck(&info) != 0;
    }

    /// <summary>
    /// Whether libsndfile creates a file of <paramref name="format"/> at <paramref name="sampleRate"/> Hz with
    /// <paramref name="channels"/> channels: <c>sf_format_check</c>, then — because that check accepts what the
    /// encoders refuse later (Ogg Opus at 44.1 kHz passes it, and <c>sf_open</c> then fails with "Opus only supports
    /// sample rates of 8000, 12000, 16000, 24000, and 48000") — a trial <c>sf_open</c> of a scratch file in the temp
    /// folder, closed and deleted at once. Returns null when it can, else libsndfile's reason. libsndfile must be
    /// loaded. Audio thread: no (file I/O).
    /// </summary>
    public static unsafe string? Refusal(int format, int sampleRate, int channels)
    {
        if (!Check(format, sampleRate, channels))
        {
            return "libsndfile refuses this combination (sf_format_check)";
        }

        string scratch = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"syfala-graph-format-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            SfInfo info = default;
            info.Format = format;
            info.SampleRate = sampleRate;
            info.Channels = channels;
            nint handle = SndFile.Open(scratch, SndFile.SFM_WRITE, &info);
            if (handle == 0)
            {
                return SndFile.ErrorText(0);
            }

            SndFile.Close(handle);
            return null;
        }
        finally
        {
            System.IO.File.Delete(scratch);
        }
    }

    /// <summary>The subtypes libsndfile accepts in <paramref name="format"/> (YAML names, comma separated). libsndfile must be loaded.</summary>
    public static string ValidSubtypeNames(AudioFileFormat format)
    {
        var names = new List<string>();
        foreach (AudioFileSubtype subtype in Enum.GetValues<AudioFileSubtype>())
        {
            bool valid = subtype == AudioFileSubtype.Flac
                ? format == AudioFileFormat.Flac
                : Check(ContainerCode(format) | SubtypeCode(subtype), 48000, 2);
            if (valid)
            {
                names.Add(Name(subtype));
            }
        }

        return string.Join(", ", names);
    }
}
