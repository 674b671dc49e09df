using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Rings;
using SyfalaGraph.Plugins.File.Interop;

namespace SyfalaGraph.Plugins.File.Streaming;

// Design: the audio thread (FileWriterNode.Process) is the ring's only producer, the encode thread its
// only consumer. The thread owns the SNDFILE handle from Start until it exits.
//
// - The thread writes batches with sf_writef_float: at least MinimumBatchFrames at a time while
//   running (fewer system calls and header rewrites), everything that is left once a stop is requested.
//   It reads _stopRequested *before* the ring's fill, so when it sees "stop requested and empty" every
//   frame the audio thread committed before Stop has been written.
// - The file is opened with SFC_SET_UPDATE_HEADER_AUTO, so the header is rewritten after every
//   sf_writef_float: a process killed without Stop leaves a readable file holding what was written
//   (WAV, AIFF, CAF, W64, RF64, AU; FLAC reports 0 frames until closed; Ogg is excluded, see below).
//   Stop drains the ring and sf_close finalises the header.
// - A failed write (disk full) is logged once and the thread keeps draining, so a realtime graph sees
//   no blocked ring and an offline graph does not wait for room that never comes. The node reports the
//   failure (Failed event, then an exception from Stop) so the graph ends and run exits with 1.

/// <summary>
/// Writes the interleaved frames an audio thread puts in an <see cref="SpscRing{T}"/> to a file from a thread
/// of its own (libsndfile). Owned by <see cref="FileWriterNode"/>. Audio thread: only <see cref="Producer"/>.
/// </summary>
internal sealed unsafe class FileEncoder : IDisposable
{
    private readonly string _path;
    private readonly int _channels;
    private readonly bool _offline;
    private readonly int _chunkFrames;
    private readonly int _minimumBatchFrames;
    private readonly float[] _chunk;
    private readonly RingConsumer<float> _consumer;
    private readonly ILogger _logger;
    private nint _sndfile;
    private Thread? _thread;
    private volatile bool _stopRequested;
    private volatile bool _faulted;
    private volatile string? _failure;
    private long _framesWritten;
    private long _threadAllocatedBytes = -1;

    /// <summary>
    /// Creates the file (and its folder) with libsndfile for <paramref name="channels"/> channels at
    /// <paramref name="sampleRate"/> Hz in <paramref name="sfFormat"/>, and the ring. Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">libsndfile is missing, or the file cannot be created in that format.</exception>
    public FileEncoder(string path, int sfFormat, bool clip, int sampleRate, int channels, int ringFrames, int chunkFrames, bool offline, ILogger logger)
    {
        _path = path;
        _channels = channels;
        _offline = offline;
        _logger = logger;
        _chunkFrames = Math.Min(chunkFrames, ringFrames / 2);
        _minimumBatchFrames = Math.Max(1, _chunkFrames / 2);

        SndFile.EnsureLoaded();
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new NodeException($"cannot create the folder of '{path}': {ex.Message}", ex);
            }
        }

        SfInfo info = default;
        info.SampleRate = sampleRate;
        info.Channels = channels;
        info.Format = sfFormat;
        _sndfile = SndFile.Open(path, SndFile.SFM_WRITE, &info);
        if (_sndfile == 0)
        {
            throw new NodeException($"cannot create '{path}' ({channels} channel(s) at {sampleRate} Hz): {SndFile.ErrorText(0)}");
        }

        // Integer encodings: clip overs at full scale instead of letting them wrap around (sf_command docs).
        SndFile.Command(_sndfile, SndFile.SFC_SET_CLIPPING, 0, clip ? SndFile.SF_TRUE : SndFile.SF_FALSE);
        // Rewrite the header after every write so a killed process leaves a readable file. Not for Ogg: libsndfile
        // 1.2 then rewrites the stream's first page and the file becomes unreadable (checked with sox).
        if ((sfFormat & SndFile.SF_FORMAT_TYPEMASK) != SndFile.SF_FORMAT_OGG)
        {
            SndFile.Command(_sndfile, SndFile.SFC_SET_UPDATE_HEADER_AUTO, 0, SndFile.SF_TRUE);
        }

        _chunk = new float[_chunkFrames * channels];
        (Producer, _consumer) = SpscRing.Create<float>(ringFrames * channels);
    }

    /// <summary>The audio thread's end of the ring: interleaved frames to write.</summary>
    public RingProducer<float> Producer { get; }

    /// <summary>Frames written to the file so far. Any thread.</summary>
    public long FramesWritten => Volatile.Read(ref _framesWritten);

    /// <summary>True after a write failed (the rest is discarded): the audio thread must not wait for room. Any thread.</summary>
    public bool Faulted => _faulted;

    /// <summary>Why the write failed (libsndfile's or the system's words), once <see cref="Faulted"/>; null before. Any thread.</summary>
    public string? Failure => _failure;

    /// <summary>What the encode thread had allocated at its last loop iteration (-1 before it runs); for allocation tests.</summary>
    internal long ThreadAllocatedBytes => Volatile.Read(ref _threadAllocatedBytes);

    /// <summary>Starts the encode thread. Audio thread: no.</summary>
    public void Start(string threadName)
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The encoder has already been started.");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>
    /// Writes everything still in the ring, closes the file (<c>sf_close</c>, which finalises the header) and
    /// stops the thread; waits at most <paramref name="timeout"/> and returns false if the thread was still
    /// writing then (it closes the file itself when it is done). Audio thread: no.
    /// </summary>
    public bool Stop(TimeSpan timeout)
    {
        _stopRequested = true;
        Thread? thread = _thread;
        if (thread is null)
        {
            Drain();
            CloseFile();
            return true;
        }

        return thread.Join(timeout);
    }

    /// <summary>Stops (draining) and closes the file if that has not happened yet. Audio thread: no.</summary>
    public void Dispose()
    {
        if (!Stop(TimeSpan.FromSeconds(10)))
        {
            _logger.LogError("file.writer: the encode thread for '{Path}' is still writing after 10 s; it will close the file when done", _path);
        }
    }

    private void Run()
    {
        try
        {
            int yieldRounds = _offline ? 200 : 20;
            var backoff = default(Backoff);
            while (true)
            {
                Volatile.Write(ref _threadAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                bool stopping = _stopRequested; // before the fill: see Design
                int frames = Math.Min(_consumer.AvailableToRead / _channels, _chunkFrames);
                if (frames > 0 && (stopping || frames >= _minimumBatchFrames))
                {
                    WriteBatch(frames);
                    backoff.Reset();
                    continue;
                }

                if (stopping)
                {
                    return;
                }

                backoff.Pause(yieldRounds);
            }
        }
        catch (Exception ex)
        {
            Fail(ex.Message);
            _logger.LogError(ex, "file.writer: writing '{Path}' failed", _path);
        }
        finally
        {
            CloseFile();
        }
    }

    /// <summary>Writes what is left in the ring on the calling thread (used when the thread never started).</summary>
    private void Drain()
    {
        int frames;
        while ((frames = Math.Min(_consumer.AvailableToRead / _channels, _chunkFrames)) > 0)
        {
            WriteBatch(frames);
        }
    }

    private void WriteBatch(int frames)
    {
        int samples = frames * _channels;
        _consumer.Read(_chunk.AsSpan(0, samples));
        if (_faulted)
        {
            return; // discard: see Design
        }

        long written;
        fixed (float* chunk = _chunk)
        {
            written = SndFile.WriteFramesFloat(_sndfile, chunk, frames);
        }

        if (written > 0)
        {
            Volatile.Write(ref _framesWritten, _framesWritten + written);
        }

        if (written != frames)
        {
            Fail(SndFile.ErrorText(_sndfile));
            _logger.LogError("file.writer: writing '{Path}' failed after {Frames} frames: {Error}; the rest is dropped",
                _path, FramesWritten, _failure);
        }
    }

    private void Fail(string reason)
    {
        _failure ??= reason;
        _faulted = true; // after _failure: a reader that sees Faulted sees why
    }

    private void CloseFile()
    {
        nint sndfile = Interlocked.Exchange(ref _sndfile, 0);
        if (sndfile != 0 && SndFile.Close(sndfile) != 0)
        {
            Fail("closing the file failed (its header may be incomplete)");
            _logger.LogError("file.writer: closing '{Path}' failed; the file may be incomplete", _path);
        }
    }
}
