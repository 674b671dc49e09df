using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Rings;
using SyfalaGraph.Plugins.File.Streaming;

namespace SyfalaGraph.Plugins.File;

/// <summary>
/// <c>file.reader</c>: plays an audio file (any format libsndfile reads) at the graph's sample rate, converted
/// with libsamplerate when the file's rate differs. A disk thread decodes ahead into a lock-free ring (at least
/// 1 s of audio); <see cref="Process"/> only copies from that ring.
/// </summary>
/// <remarks>
/// <para>Output <c>out</c>: the file's channels, planar float, nominally [-1, 1] (libsndfile's normalised float
/// reading: 16-bit PCM is exactly <c>n / 32768</c>).</para>
/// <para>Realtime clock: when the disk thread falls behind, the missing frames are silent and an
/// <see cref="NodeEventKind.Underflow"/> event (value: missing frames) is published, at most once per block.
/// Offline clock: <see cref="Process"/> waits for the disk thread instead (bounded: 5 s), so renders are gapless.</para>
/// <para>Without <see cref="FileReaderParameters.Loop"/> the node ends after the file's last frame: it outputs
/// silence from then on, <see cref="HasEnded"/> becomes true and one <see cref="NodeEventKind.EndOfStream"/> event
/// (value: frames output) is published.</para>
/// <para>Damaged files: a decode error is skipped over (the file is reopened and sought past it; the skipped frames
/// play as silence, so the rest keeps its place in time) and logged with its position. When nothing decodable
/// follows the error, the node ends with a <see cref="NodeEventKind.Failed"/> event, which ends the graph (exit 1).
/// A file shorter than its header declares (a truncated WAV or AIFF) is reported by a warning in <see cref="Prepare"/>.</para>
/// <para>Sources: libsndfile API (https://libsndfile.github.io/libsndfile/api.html), libsamplerate full API
/// (https://libsndfile.github.io/libsamplerate/api_full.html).</para>
/// </remarks>
[NodeType("file.reader", typeof(FileReaderParameters), Description = "Plays an audio file (WAV, FLAC, Ogg, AIFF, …), resampled to the graph's rate, optionally looped.")]
public sealed class FileReaderNode : AudioNode, IServiceNode, IFiniteSource
{
    private const double OfflineWaitLimitSeconds = 5.0;

    private readonly FileReaderParameters _parameters;
    private readonly ILogger _logger;
    private FileDecoder? _decoder;
    private RingConsumer<float>? _consumer;
    private string _nodeId = "";
    private int _channels;
    private long _lengthFrames = -1;
    private long _framesOutput;
    private long _underflows;
    private volatile bool _hasEnded;
    private bool _started;

    /// <summary>Creates the node (nothing is opened until <see cref="Prepare"/>). Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    /// <param name="logger">Where disk-thread errors are logged; optional.</param>
    public FileReaderNode(FileReaderParameters parameters, ILogger<FileReaderNode>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>False when looping: a looping reader never ends, so the offline clock must not wait for it. Any thread.</summary>
    public bool IsFinite => !_parameters.Loop;

    /// <summary>True once the last frame of the file has been output (never when looping). Any thread.</summary>
    public bool HasEnded => _hasEnded;

    /// <summary>
    /// Frames this node outputs at the graph's rate (the file from <c>start_s</c> to its end, converted), known
    /// after <see cref="Prepare"/>; null before, and when looping.
    /// </summary>
    public long? LengthFrames => _parameters.Loop || _lengthFrames < 0 ? null : _lengthFrames;

    /// <summary>Blocks in which the ring could not supply every frame (realtime), or the wait gave up (offline). Any thread.</summary>
    public long Underflows => Volatile.Read(ref _underflows);

    /// <summary>Frames of file audio output so far (silence for underflows and after the end not counted). Any thread.</summary>
    public long FramesOutput => Volatile.Read(ref _framesOutput);

    /// <summary>Damaged regions of the file skipped so far (each logged once, with its position). Any thread.</summary>
    public long DecodeErrors => _decoder?.DecodeErrors ?? 0;

    /// <summary>Frames of the file (at its own rate) skipped over damaged regions and played as silence. Any thread.</summary>
    public long SkippedFrames => _decoder?.SkippedFrames ?? 0;

    /// <summary>The disk thread's allocation counter (see <see cref="FileDecoder.ThreadAllocatedBytes"/>); for tests.</summary>
    internal long DecodeThreadAllocatedBytes => _decoder?.ThreadAllocatedBytes ?? -1;

    /// <summary>
    /// Opens the file (<c>sf_open</c>), seeks to <c>start_s</c>, creates the sample-rate converter when the rates
    /// differ (<c>src_new</c>) and allocates the ring: max(1 s, 16 blocks) of frames. Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">The file or a native library cannot be opened, or it changed channel count since validation.</exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_decoder is not null)
        {
            throw new InvalidOperationException("file.reader has already been prepared.");
        }

        (SoundFileHeader header, string? error) = _parameters.ReadHeader(refresh: true);
        if (error is not null)
        {
            throw new NodeException(error);
        }

        int declared = context.OutputChannels.Count > 0 ? context.OutputChannels[0] : header.Channels;
        if (declared != header.Channels)
        {
            throw new NodeException($"'{_parameters.Path}' now has {header.Channels} channel(s), but the graph was built for {declared}: reload the graph");
        }

        if (header.Shortfall is not null)
        {
            _logger.LogWarning("file.reader: '{Path}' is shorter than its header says (libsndfile: \"{Shortfall}\"): the {Seconds:F3} s present will play",
                _parameters.Path, header.Shortfall, header.DurationSeconds);
        }

        long startFrame = Math.Min((long)Math.Round(_parameters.StartS * header.SampleRate), header.Frames);
        int ringFrames = (int)Math.Max(Math.Ceiling(context.SampleRate), 16L * context.MaxBlockFrames);
        _nodeId = context.NodeId;
        _channels = header.Channels;
        _decoder = new FileDecoder(_parameters.Path, startFrame, _parameters.Loop, context.SampleRate,
            _parameters.ResampleQuality, ringFrames, context.Offline, _logger);
        _consumer = _decoder.Consumer;
        _lengthFrames = (long)Math.Round((_decoder.FileFrames - startFrame) * _decoder.Ratio);
    }

    /// <summary>Starts the disk thread and lets it fill half the ring (at most 2 s) before returning. Audio thread: no.</summary>
    /// <exception cref="InvalidOperationException">Called before <see cref="Prepare"/>, or twice.</exception>
    public void Start()
    {
        FileDecoder decoder = _decoder ?? throw new InvalidOperationException("file.reader: Start before Prepare.");
        if (_started)
        {
            throw new InvalidOperationException("file.reader has already been started.");
        }

        _started = true;
        decoder.Start("file.reader " + _nodeId);
    }

    /// <summary>Stops the disk thread (waits at most 2 s). Audio thread: no.</summary>
    public void Stop()
    {
        if (_decoder is not null && !_decoder.Stop(TimeSpan.FromSeconds(2)))
        {
            _logger.LogWarning("file.reader {Node}: the disk thread did not stop within 2 s", _nodeId);
        }
    }

    /// <summary>
    /// Copies <see cref="ProcessContext.Frames"/> frames from the ring to <c>out</c>; silence for what is missing
    /// (an underflow in realtime; the end of the file). Offline: waits (bounded) for the disk thread first.
    /// Audio thread: yes (no allocation, no lock; offline only, a bounded spin/sleep wait).
    /// </summary>
    public override void Process(in ProcessContext context)
    {
        AudioBuffer output = context.OutputBuffer(0);
        int frames = context.Frames;
        FileDecoder? decoder = _decoder;
        RingConsumer<float>? consumer = _consumer;
        if (_hasEnded || decoder is null || consumer is null)
        {
            output.Clear(frames);
            return;
        }

        int channels = _channels;
        int needed = frames * channels;
        bool sourceEnded = decoder.Ended; // before the fill: "ended and empty" then means truly done
        int available = consumer.AvailableToRead;
        if (available < needed && !sourceEnded && context.Offline)
        {
            WaitForFrames(decoder, consumer, needed);
            sourceEnded = decoder.Ended;
            available = consumer.AvailableToRead;
        }

        int got = Math.Min(available, needed) / channels;
        if (got > 0)
        {
            consumer.TryReadFrames(output, got);
            Volatile.Write(ref _framesOutput, _framesOutput + got);
        }

        if (got < frames)
        {
            for (int c = 0; c < channels; c++)
            {
                output.GetChannel(c, frames)[got..].Clear();
            }
        }

        if (sourceEnded && available - (got * channels) < channels)
        {
            _hasEnded = true;
            if (decoder.Failed)
            {
                context.Events.Publish(NodeEventKind.Failed, _framesOutput, context.FrameTime + got);
            }

            context.Events.Publish(NodeEventKind.EndOfStream, _framesOutput, context.FrameTime + got);
        }
        else if (got < frames)
        {
            Volatile.Write(ref _underflows, _underflows + 1);
            context.Events.Publish(NodeEventKind.Underflow, frames - got, context.FrameTime + got);
        }
    }

    /// <summary>Stops the disk thread and closes the file and the converter. Audio thread: no.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void WaitForFrames(FileDecoder decoder, RingConsumer<float> consumer, int needed)
    {
        long deadline = Backoff.DeadlineAfter(OfflineWaitLimitSeconds);
        var backoff = default(Backoff);
        while (consumer.AvailableToRead < needed && !decoder.Ended && !Backoff.HasPassed(deadline))
        {
            backoff.Pause(yieldRounds: 200);
        }
    }
}
