using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Rings;
using SyfalaGraph.Plugins.File.Streaming;

namespace SyfalaGraph.Plugins.File;

/// <summary>
/// <c>file.writer</c>: records its input to an audio file with libsndfile (WAV, AIFF, FLAC, Ogg Vorbis/Opus, CAF,
/// W64, RF64, AU) at the graph's sample rate. <see cref="Process"/> only copies the block into a lock-free ring
/// (at least 1 s of audio); a disk thread writes it.
/// </summary>
/// <remarks>
/// <para>Input <c>in</c>: as many channels as are linked into it, planar float; integer encodings clip overs at
/// full scale (<c>SFC_SET_CLIPPING</c>), float encodings store the samples unchanged.</para>
/// <para>The header is rewritten after every disk write (<c>SFC_SET_UPDATE_HEADER_AUTO</c>), so the file stays
/// readable if the process dies; <see cref="Stop"/> (after the last block, also on Ctrl-C/SIGTERM) writes
/// everything still buffered and closes the file.</para>
/// <para>Realtime clock: when the ring is full the block is dropped and an <see cref="NodeEventKind.Overflow"/>
/// event (value: dropped frames) is published. Offline clock: <see cref="Process"/> waits for room instead
/// (bounded: 5 s), so renders are complete.</para>
/// <para>Sources: libsndfile API (https://libsndfile.github.io/libsndfile/api.html) and sf_command
/// (https://libsndfile.github.io/libsndfile/command.html).</para>
/// </remarks>
[NodeType("file.writer", typeof(FileWriterParameters), Description = "Records its input to an audio file (WAV, FLAC, Ogg, AIFF, …).")]
public sealed class FileWriterNode : AudioNode, IServiceNode, IFiniteSource
{
    private const double OfflineWaitLimitSeconds = 5.0;
    private const int ChunkFrames = 8192;

    private readonly FileWriterParameters _parameters;
    private readonly ILogger _logger;
    private FileEncoder? _encoder;
    private RingProducer<float>? _producer;
    private string _nodeId = "";
    private double _rate = 1;
    private long _overflows;
    private long _droppedFrames;
    private long _framesReceived;
    private bool _failureReported;
    private long _maxFrames = -1;
    private volatile bool _hasEnded;
    private bool _started;

    /// <summary>Creates the node (the file is created in <see cref="Prepare"/>). Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    /// <param name="logger">Where disk-thread errors are logged; optional.</param>
    public FileWriterNode(FileWriterParameters parameters, ILogger<FileWriterNode>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Blocks dropped because the ring was full (realtime), or because the offline wait gave up. Any thread.</summary>
    public long Overflows => Volatile.Read(ref _overflows);

    /// <summary>Frames dropped with those blocks. Any thread.</summary>
    public long DroppedFrames => Volatile.Read(ref _droppedFrames);

    /// <summary>True with <c>max_duration_s</c>: the writer then ends after that much audio. Any thread.</summary>
    public bool IsFinite => _parameters.MaxDurationS is not null;

    /// <summary>True once <c>max_duration_s</c> of audio has been taken (never without it). Any thread.</summary>
    public bool HasEnded => _hasEnded;

    /// <summary>round(max_duration_s × rate) frames, known after <see cref="Prepare"/>; null without <c>max_duration_s</c>.</summary>
    public long? LengthFrames => _maxFrames < 0 ? null : _maxFrames;

    /// <summary>Frames given to <see cref="Process"/> so far, written or not (up to <c>max_duration_s</c>). Any thread.</summary>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <summary>Frames written to the file so far (by the disk thread). Any thread.</summary>
    public long FramesWritten => _encoder?.FramesWritten ?? 0;

    /// <summary>The disk thread's allocation counter (see <see cref="FileEncoder.ThreadAllocatedBytes"/>); for tests.</summary>
    internal long EncodeThreadAllocatedBytes => _encoder?.ThreadAllocatedBytes ?? -1;

    /// <summary>
    /// Creates the file (and missing folders) with <c>sf_open</c> in write mode for the input's channel count at
    /// the graph's rate, sets clipping and automatic header updates, and allocates the ring: max(1 s, 16 blocks)
    /// of frames. Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">
    /// Nothing is linked into <c>in</c>, the rate is not a whole number of Hz, the format is invalid, or the file
    /// cannot be created (libsndfile's reason, or the package to install).
    /// </exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_encoder is not null)
        {
            throw new InvalidOperationException("file.writer has already been prepared.");
        }

        int channels = context.InputChannels.Count > 0 ? context.InputChannels[0] : 0;
        if (channels < 1)
        {
            throw new NodeException("file.writer: nothing is linked into 'in', so the file would have no channels");
        }

        int rate = (int)Math.Round(context.SampleRate);
        if (rate < 1 || Math.Abs(rate - context.SampleRate) > 1e-9)
        {
            throw new NodeException($"file.writer: audio files need a whole number of Hz; the graph runs at {context.SampleRate} Hz");
        }

        if (!_parameters.TryResolveFormat(out int sfFormat, out AudioFileSubtype subtype, out var error))
        {
            throw new NodeException($"{error.Value.Parameter}: {error.Value.Message}");
        }

        int ringFrames = (int)Math.Max(rate, 16L * context.MaxBlockFrames);
        _nodeId = context.NodeId;
        _rate = rate;
        _maxFrames = _parameters.MaxDurationS is double seconds ? (long)Math.Round(seconds * rate) : -1;
        _encoder = new FileEncoder(_parameters.Path, sfFormat, SoundFileFormats.IsInteger(subtype), rate, channels,
            ringFrames, Math.Max(ChunkFrames, 4 * context.MaxBlockFrames), context.Offline, _logger);
        _producer = _encoder.Producer;
    }

    /// <summary>Starts the disk thread. Audio thread: no.</summary>
    /// <exception cref="InvalidOperationException">Called before <see cref="Prepare"/>, or twice.</exception>
    public void Start()
    {
        FileEncoder encoder = _encoder ?? throw new InvalidOperationException("file.writer: Start before Prepare.");
        if (_started)
        {
            throw new InvalidOperationException("file.writer has already been started.");
        }

        _started = true;
        encoder.Start("file.writer " + _nodeId);
    }

    /// <summary>
    /// Writes what is still buffered and closes the file, which is then complete and valid. Waits at most 10 s
    /// (the disk thread finishes and closes the file on its own if that is not enough). Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">A write failed (disk full, I/O error): the message gives the frames written and lost.</exception>
    public void Stop()
    {
        FileEncoder? encoder = _encoder;
        if (encoder is null)
        {
            return;
        }

        if (!encoder.Stop(TimeSpan.FromSeconds(10)))
        {
            _logger.LogWarning("file.writer {Node}: still writing '{Path}' after 10 s; it will be closed when done", _nodeId, _parameters.Path);
        }

        if (encoder.Faulted)
        {
            long written = encoder.FramesWritten;
            long lost = Math.Max(0, FramesReceived - written);
            throw new NodeException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"file.writer: '{_parameters.Path}' is incomplete: {written} frames ({written / _rate:F3} s) written, {lost} frames ({lost / _rate:F3} s) lost: {encoder.Failure}"));
        }
    }

    /// <summary>
    /// Interleaves the block into the ring. Realtime: drops it (counting an overflow) when the ring is full.
    /// Offline: waits (bounded) for room. Audio thread: yes (no allocation, no lock; offline only, a bounded wait).
    /// </summary>
    public override void Process(in ProcessContext context)
    {
        RingProducer<float>? producer = _producer;
        FileEncoder? encoder = _encoder;
        if (producer is null || encoder is null)
        {
            return;
        }

        if (_hasEnded)
        {
            return;
        }

        AudioBuffer input = context.InputBuffer(0);
        int frames = context.Frames;
        if (_maxFrames >= 0 && _framesReceived + frames >= _maxFrames)
        {
            frames = (int)(_maxFrames - _framesReceived); // the last frames max_duration_s allows
            _hasEnded = true;
            context.Events.Publish(NodeEventKind.EndOfStream, _maxFrames, context.FrameTime + frames);
        }

        Volatile.Write(ref _framesReceived, _framesReceived + frames);
        if (!encoder.Faulted)
        {
            if (producer.TryWriteFrames(input, frames))
            {
                return;
            }

            if (context.Offline)
            {
                WaitForRoom(encoder, producer, frames * input.Channels);
                if (!encoder.Faulted && producer.TryWriteFrames(input, frames))
                {
                    return;
                }
            }

            if (!encoder.Faulted)
            {
                Volatile.Write(ref _overflows, _overflows + 1);
                Volatile.Write(ref _droppedFrames, _droppedFrames + frames);
                context.Events.Publish(NodeEventKind.Overflow, frames, context.FrameTime);
                return;
            }
        }

        // The disk thread discards the rest: nothing to wait for, nothing to count as an overflow. Ends the graph.
        if (!_failureReported)
        {
            _failureReported = true;
            context.Events.Publish(NodeEventKind.Failed, encoder.FramesWritten, context.FrameTime);
        }
    }

    /// <summary>Stops the disk thread if <see cref="Stop"/> was not called (draining, closing the file). Audio thread: no.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _encoder?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void WaitForRoom(FileEncoder encoder, RingProducer<float> producer, int needed)
    {
        long deadline = Backoff.DeadlineAfter(OfflineWaitLimitSeconds);
        var backoff = default(Backoff);
        while (producer.AvailableToWrite < needed && !encoder.Faulted && !Backoff.HasPassed(deadline))
        {
            backoff.Pause(yieldRounds: 200);
        }
    }
}
