using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Dsp.Resampling;

namespace SyfalaGraph.Plugins.File;

/// <summary>
/// Parameters of <see cref="FileReaderNode"/> (<c>file.reader</c>), bound from the node's YAML <c>params:</c>.
/// </summary>
/// <remarks>
/// <see cref="Validate"/> opens the file's header with libsndfile (<c>sf_open</c> in read mode) and remembers its
/// channel count, so <see cref="DeclarePorts"/> can declare <c>out</c> with the file's channels. That remembered
/// header is not part of record equality: two records with the same values are equal (the engine compares them
/// to detect changed nodes on reload), and editing the audio file behind an unchanged path does not by itself
/// recreate the node.
/// </remarks>
public sealed record FileReaderParameters : NodeParameters
{
    private readonly SoundFileHeaderCache _header = new();

    /// <summary>The audio file to play (any format libsndfile reads: WAV, AIFF, FLAC, Ogg Vorbis/Opus, CAF, MP3 …).</summary>
    [Required]
    [FilePath]
    [Description("Audio file to play; relative paths resolve against the graph file's folder. Any format libsndfile reads.")]
    public string Path { get; init; } = "";

    /// <summary>Whether to restart at <see cref="StartS"/> after the last frame, seamlessly (no gap, no click added).</summary>
    [Description("Play the file in a seamless loop (from start_s to the end, again and again); the node then never ends.")]
    public bool Loop { get; init; }

    /// <summary>True unless <see cref="Loop"/>: the file then ends by itself.</summary>
    public override bool EndsByItself => !Loop;

    /// <summary>Where playback starts, in seconds from the start of the file (also the loop point).</summary>
    [Unit("s")]
    [Range(0.0, 1e9)]
    [Description("Start position in the file, in seconds; also where a loop restarts.")]
    public double StartS { get; init; }

    /// <summary>
    /// The libsamplerate converter used when the file's rate differs from the graph's, in the quality vocabulary the
    /// clock bridges use: low (SRC_SINC_FASTEST), medium (SRC_SINC_MEDIUM_QUALITY) or high (SRC_SINC_BEST_QUALITY).
    /// </summary>
    [Description("Sample-rate converter used when the file's rate differs from the graph's: low, medium or high (libsamplerate's fastest, medium and best sinc).")]
    public ResamplerQuality ResampleQuality { get; init; } = ResamplerQuality.Medium;

    /// <summary>Declares output <c>out</c> with the file's channel count (1 when the file cannot be read; <see cref="Validate"/> reports why).</summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        (SoundFileHeader header, string? error) = ReadHeader(refresh: false);
        int channels = error is null ? header.Channels : 1;
        ports.Output("out", ChannelCount.Fixed(channels), "The file's channels at the graph's sample rate.");
    }

    /// <summary>
    /// Opens the file's header: an error on <c>path</c> when it cannot be read (with libsndfile's reason, or the
    /// package to install when libsndfile itself is missing), and on <c>start_s</c> when it lies past the end.
    /// Audio thread: no (file I/O).
    /// </summary>
    public override IEnumerable<ParameterError> Validate()
    {
        if (string.IsNullOrEmpty(Path))
        {
            yield break; // [Required] reports it.
        }

        (SoundFileHeader header, string? error) = ReadHeader(refresh: true);
        if (error is not null)
        {
            yield return new ParameterError("path", error);
            yield break;
        }

        if (header.Frames > 0 && StartS * header.SampleRate >= header.Frames)
        {
            yield return new ParameterError("start_s", string.Format(CultureInfo.InvariantCulture,
                "start_s {0} s is at or past the end of '{1}' ({2:0.###} s long)", StartS, Path, header.DurationSeconds));
        }

        if ((Loop || StartS > 0) && !header.Seekable)
        {
            yield return new ParameterError(Loop ? "loop" : "start_s", $"'{Path}' is not seekable, so it can neither loop nor start later than 0");
        }
    }

    /// <summary>The file's header, from the cache unless <paramref name="refresh"/>.</summary>
    internal (SoundFileHeader Header, string? Error) ReadHeader(bool refresh) => _header.Get(Path, refresh);
}
