using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Plugins.File.Interop;

namespace SyfalaGraph.Plugins.File;

/// <summary>Parameters of <see cref="FileWriterNode"/> (<c>file.writer</c>), bound from the node's YAML <c>params:</c>.</summary>
public sealed record FileWriterParameters : NodeParameters
{
    /// <summary>The file to create (replaced when it exists; missing folders are created).</summary>
    [Required]
    [FilePath]
    [Description("File to write (replaced if it exists; missing folders are created). Relative paths resolve against the graph file's folder.")]
    public string Path { get; init; } = "";

    /// <summary>The container; null to take it from the extension of <see cref="Path"/>.</summary>
    [Description("Container: wav, aiff, flac, ogg, caf, w64, rf64 or au. Default: from the file's extension.")]
    public AudioFileFormat? Format { get; init; }

    /// <summary>The sample encoding; null for the container's default (pcm_24, or vorbis in ogg).</summary>
    [Description("Sample encoding: pcm_16, pcm_24, pcm_32, float, double, vorbis (ogg), opus (ogg) or flac (= format flac, 24 bit). Default: pcm_24, vorbis for ogg.")]
    public AudioFileSubtype? Subtype { get; init; }

    /// <summary>
    /// Seconds of audio after which the writer stops recording and ends (&gt; 0); null to record until the graph ends.
    /// The file then holds exactly round(max_duration_s × sample rate) frames, and the writer counts as a finite node:
    /// the graph ends when it and every other finite node have ended.
    /// </summary>
    [Description("Stop recording after this many seconds of audio: the file holds exactly that much and the writer ends (a graph whose only end is this writer ends with it). Omit to record until the graph ends.")]
    [Range(0.0, double.MaxValue, MinimumIsExclusive = true)]
    [Unit("s")]
    public double? MaxDurationS { get; init; }

    /// <summary>True with <see cref="MaxDurationS"/>: the writer then ends by itself.</summary>
    public override bool EndsByItself => MaxDurationS is not null;

    /// <summary>Declares input <c>in</c>, whose channel count is that of the links into it (the file's channel count).</summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ports.Input("in", ChannelCount.FromLinks, "Audio to write; the file gets as many channels as are linked here.");
    }

    /// <summary>
    /// Resolves the container and encoding and checks them with libsndfile's <c>sf_format_check</c> (the error lists
    /// the encodings the container takes), and checks that the file can be created where <see cref="Path"/> says: the
    /// nearest existing folder on its way must be a folder this process can write in (probed by creating and
    /// deleting an empty file there), and an existing file must be a file that opens for writing (not truncated by
    /// the check). Audio thread: no (file I/O).
    /// </summary>
    public override IEnumerable<ParameterError> Validate()
    {
        if (string.IsNullOrEmpty(Path))
        {
            return [];
        }

        if (!TryResolveFormat(out _, out _, out ParameterError? error))
        {
            return [error.Value];
        }

        return CheckWritable(Path) is { } problem ? [new ParameterError("path", problem)] : [];
    }

    /// <summary>
    /// Checks the encoding against the stream: libsndfile must create this container and subtype at the domain's sample
    /// rate with as many channels as are linked in (<see cref="SoundFileFormats.Refusal"/>: <c>sf_format_check</c> and a
    /// trial open of a scratch file), so that `validate` refuses Opus at 44.1 kHz or FLAC with 9 channels instead of
    /// `run` failing after it created an empty file. Errors that <see cref="Validate"/> reports are not repeated. Audio
    /// thread: no (file I/O).
    /// </summary>
    public override IEnumerable<ParameterError> ValidateStream(StreamContext stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (string.IsNullOrEmpty(Path) || stream.InputChannels.Count == 0 || !TryResolveFormat(out int sfFormat, out AudioFileSubtype subtype, out _))
        {
            return [];
        }

        int rate = (int)Math.Round(stream.SampleRate);
        int channels = stream.InputChannels[0];
        int container = sfFormat & SndFile.SF_FORMAT_TYPEMASK;
        string format = SoundFileFormats.Name(Enum.GetValues<AudioFileFormat>().First(f => SoundFileFormats.ContainerCode(f) == container));
        return SoundFileFormats.Refusal(sfFormat, rate, channels) is { } why
            ? [new ParameterError(Subtype is null ? (Format is null ? "path" : "format") : "subtype",
                $"{format} {SoundFileFormats.Name(subtype)} cannot be written at {rate} Hz with {channels} channel(s): {why}")]
            : [];
    }

    /// <summary>Why a file cannot be created at <paramref name="path"/> (missing folders would be created), or null when it can.</summary>
    internal static string? CheckWritable(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return $"'{path}' is a folder, not a file";
        }

        if (System.IO.File.Exists(full))
        {
            try
            {
                using var existing = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"'{path}' exists and cannot be written: {ex.Message}";
            }
        }

        string? folder = System.IO.Path.GetDirectoryName(full);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (System.IO.File.Exists(folder))
            {
                return $"cannot create '{path}': '{folder}' is a file, not a folder";
            }

            folder = System.IO.Path.GetDirectoryName(folder);
        }

        if (folder is null)
        {
            return $"cannot create '{path}': none of its folders exists";
        }

        string probe = System.IO.Path.Combine(folder, $".syfala-graph-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using var created = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The system's message names the probe; say what it means instead.
            string why = ex is UnauthorizedAccessException ? ": permission denied"
                : ex.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) ? ": read-only file system" : "";
            return $"cannot create '{path}': the folder '{folder}' is not writable{why}";
        }
    }

    /// <summary>
    /// The libsndfile format code (container | subtype) these parameters ask for, checked with
    /// <c>sf_format_check</c> (at 48 kHz stereo; the rate and channel count are checked again when the file is opened).
    /// </summary>
    internal bool TryResolveFormat(out int sfFormat, out AudioFileSubtype subtype, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ParameterError? error)
    {
        sfFormat = 0;
        subtype = default;
        AudioFileFormat? container = Format ?? SoundFileFormats.FromExtension(Path) ?? Subtype switch
        {
            AudioFileSubtype.Flac => AudioFileFormat.Flac,
            AudioFileSubtype.Vorbis or AudioFileSubtype.Opus => AudioFileFormat.Ogg,
            _ => null,
        };
        if (container is not AudioFileFormat format)
        {
            error = new ParameterError("format",
                $"cannot tell the file format from the extension '{System.IO.Path.GetExtension(Path)}' of '{Path}': set format to one of {SoundFileFormats.AllFormatNames}");
            return false;
        }

        subtype = Subtype ?? SoundFileFormats.DefaultSubtype(format, Path);
        if (!SndFile.TryLoad(out string? loadError))
        {
            error = new ParameterError("path", loadError);
            return false;
        }

        string key = Subtype is null ? "format" : "subtype";
        if (subtype == AudioFileSubtype.Flac && format != AudioFileFormat.Flac)
        {
            error = new ParameterError(key,
                $"subtype flac means FLAC coding and needs format flac; valid subtypes for {SoundFileFormats.Name(format)}: {SoundFileFormats.ValidSubtypeNames(format)}");
            return false;
        }

        sfFormat = SoundFileFormats.ContainerCode(format) | SoundFileFormats.SubtypeCode(subtype);
        if (!SoundFileFormats.Check(sfFormat, 48000, 2))
        {
            error = new ParameterError(key,
                $"subtype {SoundFileFormats.Name(subtype)} cannot be written in {SoundFileFormats.Name(format)} files; valid subtypes for {SoundFileFormats.Name(format)}: {SoundFileFormats.ValidSubtypeNames(format)}");
            return false;
        }

        error = null;
        return true;
    }
}
