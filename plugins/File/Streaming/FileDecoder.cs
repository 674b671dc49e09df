using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Rings;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Plugins.File.Interop;

namespace SyfalaGraph.Plugins.File.Streaming;

// Design: the decode thread is the ring's only producer, the audio thread (FileReaderNode.Process) its
// only consumer; nothing else is shared but three volatile fields (_stopRequested: node -> thread,
// _ended and _threadAllocatedBytes: thread -> anyone).
//
// - The thread decodes chunks of interleaved float frames with sf_readf_float into _decoded, optionally
//   runs them through libsamplerate's src_process into _resampled, and copies whole frames into the ring
//   as room appears. A chunk that does not fit stays "pending" and the thread backs off (spin, yield,
//   then 1 ms sleeps): it never makes the audio thread wait.
// - Looping seeks back to the start frame when sf_readf_float returns 0 and carries on filling the same
//   ring; the resampler is not reset across the seam (its filter state simply continues), so the loop is
//   gapless with or without resampling.
// - At the end (no loop) the resampler is flushed with end_of_input = 1 until it yields nothing, then
//   _ended is set with a release store *after* the last Commit. The audio thread reads _ended *before*
//   reading the ring's fill, so "ended and empty" really means the last frame has been consumed.
// - Every buffer is allocated in the constructor; the loop allocates nothing (the thread records
//   GC.GetAllocatedBytesForCurrentThread so tests can check that).
// - A decode error (sf_error after a short read: a FLAC frame that lost sync, a damaged Ogg page) is
//   recovered as decoders of the field do (libFLAC resyncs on the next frame, sox carries on): libsndfile's
//   handle keeps its error, so the file is reopened and sought RecoveryStepFrames further on, again and
//   again until a seek lands; the frames skipped play as silence, so what follows keeps its place in time.
//   One warning per damaged region says where, why and how much was skipped. When nothing decodable
//   follows, the reader fails (Failed, then the graph ends with exit 1): never a silent truncation.

/// <summary>
/// Streams one audio file into an <see cref="SpscRing{T}"/> of interleaved float frames at the graph's
/// sample rate from a thread of its own (libsndfile decode + libsamplerate conversion). Owned by
/// <see cref="FileReaderNode"/>. Audio thread: only <see cref="Consumer"/>, <see cref="Ended"/>.
/// </summary>
internal sealed unsafe class FileDecoder : IDisposable
{
    private const int ChunkFrames = 4096;

    /// <summary>How far past a decode error each recovery seek lands: 1024 frames, a quarter of a common FLAC block.</summary>
    private const int RecoveryStepFrames = 1024;

    /// <summary>Recovery seeks tried per damaged region before giving up: 4096 × 1024 frames ≈ 87 s at 48 kHz.</summary>
    private const int RecoveryAttempts = 4096;

    private readonly string _path;
    private readonly int _channels;
    private readonly long _startFrame;
    private readonly bool _loop;
    private readonly bool _offline;
    private readonly double _ratio;
    private readonly float[] _decoded;
    private readonly float[] _resampled;
    private readonly RingProducer<float> _producer;
    private readonly ILogger _logger;
    private nint _sndfile;
    private nint _resampler;
    private Thread? _thread;
    private volatile bool _stopRequested;
    private volatile bool _ended;
    private volatile bool _failed;
    private long _position;         // next frame of the file that sf_readf_float returns
    private long _silenceFrames;    // skipped by a recovery, still to output as silence
    private long _damagedFrom = -1; // where the current damaged region began (-1: none)
    private string? _damage;        // libsndfile's words for it
    private long _decodeErrors;
    private long _skippedFrames;
    private long _threadAllocatedBytes = -1;

    /// <summary>Opens the file, seeks to <paramref name="startFrame"/>, creates the resampler and the ring. Audio thread: no.</summary>
    /// <exception cref="NodeException">The file, a library or the converter cannot be opened.</exception>
    public FileDecoder(string path, long startFrame, bool loop, double graphRate, ResamplerQuality quality, int ringFrames, bool offline, ILogger logger)
    {
        _path = path;
        _loop = loop;
        _offline = offline;
        _startFrame = startFrame;
        _logger = logger;

        SndFile.EnsureLoaded();
        SfInfo info = default;
        _sndfile = SndFile.Open(path, SndFile.SFM_READ, &info);
        if (_sndfile == 0)
        {
            throw new NodeException($"cannot open '{path}': {SndFile.ErrorText(0)}");
        }

        try
        {
            _channels = info.Channels;
            FileRate = info.SampleRate;
            FileFrames = Math.Max(0, info.Frames);
            if (_channels < 1 || FileRate < 1)
            {
                throw new NodeException($"cannot open '{path}': libsndfile reports {_channels} channel(s) at {FileRate} Hz");
            }

            // Seeking (even to 0) and sf_error also bind those entry points now, not at the first loop wrap
            // on the disk thread, where binding would allocate.
            if (SndFile.Seek(_sndfile, startFrame, SndFile.SF_SEEK_SET) < 0 && (startFrame > 0 || loop))
            {
                throw new NodeException($"cannot seek '{path}' to frame {startFrame}: {SndFile.ErrorText(_sndfile)}");
            }

            _ = SndFile.Error(_sndfile);
            _position = Math.Max(0, startFrame);

            _ratio = graphRate / FileRate;
            if (_ratio != 1.0)
            {
                if (_ratio > SampleRate.MaxRatio || _ratio < 1.0 / SampleRate.MaxRatio)
                {
                    throw new NodeException($"'{path}' is at {FileRate} Hz: libsamplerate cannot convert it to {graphRate} Hz (ratio beyond 1/256..256)");
                }

                SampleRate.EnsureLoaded();
                int error = 0;
                _resampler = SampleRate.New(ConverterType(quality), _channels, &error);
                if (_resampler == 0)
                {
                    throw new NodeException($"cannot create a {quality} sample-rate converter for '{path}': {SampleRate.ErrorText(error)}");
                }
            }

            _decoded = new float[ChunkFrames * _channels];
            _resampled = _resampler == 0 ? [] : new float[((int)Math.Ceiling(ChunkFrames * _ratio) + 64) * _channels];
            (_producer, Consumer) = SpscRing.Create<float>(ringFrames * _channels);
        }
        catch
        {
            ReleaseNative();
            throw;
        }
    }

    /// <summary>The file's sample rate in Hz.</summary>
    public int FileRate { get; }

    /// <summary>The file's length in frames (at <see cref="FileRate"/>).</summary>
    public long FileFrames { get; }

    /// <summary>Output rate / file rate (1 when no conversion is needed).</summary>
    public double Ratio => _ratio;

    /// <summary>The audio thread's end of the ring: interleaved frames at the graph rate.</summary>
    public RingConsumer<float> Consumer { get; }

    /// <summary>
    /// True once the thread has committed its last frame (end of file without loop, a read error, or a stop).
    /// Read it before the ring's fill: then "ended and empty" means everything was consumed. Any thread.
    /// </summary>
    public bool Ended => _ended;

    /// <summary>True once the thread stopped at a decode error it could not get past (set before <see cref="Ended"/>). Any thread.</summary>
    public bool Failed => _failed;

    /// <summary>Damaged regions skipped so far (each reported once in the log). Any thread.</summary>
    public long DecodeErrors => Volatile.Read(ref _decodeErrors);

    /// <summary>Frames of the file skipped over damaged regions (output as silence, at the file's rate). Any thread.</summary>
    public long SkippedFrames => Volatile.Read(ref _skippedFrames);

    /// <summary>What the decode thread had allocated at its last loop iteration (-1 before it runs); for allocation tests.</summary>
    internal long ThreadAllocatedBytes => Volatile.Read(ref _threadAllocatedBytes);

    /// <summary>
    /// Starts the decode thread and waits (at most 2 s) until the ring is half full or the file has ended, so
    /// a realtime graph does not start with an underflow. Audio thread: no.
    /// </summary>
    public void Start(string threadName)
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The decoder has already been started.");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
        long deadline = Backoff.DeadlineAfter(2.0);
        int target = Consumer.Capacity / 2;
        var backoff = default(Backoff);
        while (!_ended && Consumer.AvailableToRead < target && !Backoff.HasPassed(deadline))
        {
            backoff.Pause(yieldRounds: 20);
        }
    }

    /// <summary>Asks the thread to stop and waits for it (at most <paramref name="timeout"/>); false when it did not stop. Audio thread: no.</summary>
    public bool Stop(TimeSpan timeout)
    {
        _stopRequested = true;
        Thread? thread = _thread;
        return thread is null || thread.Join(timeout);
    }

    /// <summary>Stops the thread and closes the file and the converter (<c>sf_close</c>, <c>src_delete</c>). Audio thread: no.</summary>
    public void Dispose()
    {
        if (Stop(TimeSpan.FromSeconds(2)))
        {
            ReleaseNative();
        }
        else
        {
            // The thread is stuck in a native call: freeing its handles now would be a use-after-free.
            _logger.LogError("file.reader: the decode thread for '{Path}' did not stop; its file handle is leaked", _path);
        }
    }

    /// <summary>
    /// libsamplerate's converter for each step of the shared quality vocabulary, chosen by passband like the bridges'
    /// filters: low → SRC_SINC_FASTEST (80 % bandwidth), medium → SRC_SINC_MEDIUM_QUALITY (90 %), high →
    /// SRC_SINC_BEST_QUALITY (97 %), all 97 dB SNR (https://libsndfile.github.io/libsamplerate/api_misc.html#converters).
    /// </summary>
    private static int ConverterType(ResamplerQuality quality) => quality switch
    {
        ResamplerQuality.High => SampleRate.SRC_SINC_BEST_QUALITY,
        ResamplerQuality.Medium => SampleRate.SRC_SINC_MEDIUM_QUALITY,
        ResamplerQuality.Low => SampleRate.SRC_SINC_FASTEST,
        _ => throw new ArgumentOutOfRangeException(nameof(quality), quality, null),
    };

    private void ReleaseNative()
    {
        nint sndfile = Interlocked.Exchange(ref _sndfile, 0);
        if (sndfile != 0)
        {
            SndFile.Close(sndfile);
        }

        nint resampler = Interlocked.Exchange(ref _resampler, 0);
        if (resampler != 0)
        {
            SampleRate.Delete(resampler);
        }
    }

    private void Run()
    {
        try
        {
            Decode();
        }
        catch (IOException ex)
        {
            _failed = true;
            _logger.LogError("file.reader: {Message}; the node ends here", ex.Message);
        }
        catch (Exception ex)
        {
            _failed = true;
            _logger.LogError(ex, "file.reader: decoding '{Path}' failed; the node ends here", _path);
        }
        finally
        {
            _ended = true;
        }
    }

    private void Decode()
    {
        int channels = _channels;
        int yieldRounds = _offline ? 200 : 20;
        var backoff = default(Backoff);
        float[] pending = _decoded;
        int pendingOffset = 0;
        int pendingCount = 0;      // samples of `pending` not yet in the ring
        int inputOffset = 0;       // frames of _decoded not yet consumed by the resampler
        int inputFrames = 0;
        bool inputEnded = false;
        bool done = false;
        long framesSinceSeek = 0;

        while (!_stopRequested)
        {
            Volatile.Write(ref _threadAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
            if (pendingCount > 0)
            {
                int room = _producer.AvailableToWrite;
                int n = Math.Min(pendingCount, room - (room % channels));
                if (n > 0)
                {
                    _producer.Write(pending.AsSpan(pendingOffset, n));
                    pendingOffset += n;
                    pendingCount -= n;
                }

                if (pendingCount > 0)
                {
                    backoff.Pause(yieldRounds);
                    continue;
                }

                backoff.Reset();
            }

            if (done)
            {
                return;
            }

            if (_resampler == 0)
            {
                int frames = ReadChunk(ref framesSinceSeek);
                if (frames > 0)
                {
                    pending = _decoded;
                    pendingOffset = 0;
                    pendingCount = frames * channels;
                }
                else
                {
                    done = true;
                }

                continue;
            }

            if (inputFrames == 0 && !inputEnded)
            {
                inputOffset = 0;
                inputFrames = ReadChunk(ref framesSinceSeek);
                inputEnded = inputFrames == 0;
            }

            int generated = Resample(inputOffset, inputFrames, inputEnded, out int used);
            inputOffset += used;
            inputFrames -= used;
            if (generated > 0)
            {
                pending = _resampled;
                pendingOffset = 0;
                pendingCount = generated * channels;
            }
            else if (inputEnded && inputFrames == 0)
            {
                done = true; // the converter is flushed
            }
        }
    }

    /// <summary>
    /// Reads up to one chunk into _decoded (silence for frames a recovery skipped), wrapping to the start frame when
    /// looping; 0 at the end.
    /// </summary>
    /// <exception cref="IOException">A decode error with nothing decodable after it, or a failed loop seek.</exception>
    private int ReadChunk(ref long framesSinceSeek)
    {
        while (true)
        {
            if (_silenceFrames > 0)
            {
                int silent = (int)Math.Min(_silenceFrames, ChunkFrames);
                _decoded.AsSpan(0, silent * _channels).Clear();
                _silenceFrames -= silent;
                framesSinceSeek += silent;
                return silent;
            }

            long n;
            fixed (float* buffer = _decoded)
            {
                n = SndFile.ReadFramesFloat(_sndfile, buffer, ChunkFrames);
            }

            if (n > 0)
            {
                if (_damagedFrom >= 0)
                {
                    ReportRecovery();
                }

                _position += n;
                framesSinceSeek += n;
                return (int)n;
            }

            if (SndFile.Error(_sndfile) != 0)
            {
                Recover();
                continue;
            }

            if (_damagedFrom >= 0)
            {
                ReportRecovery(); // the damage reached the end: what was skipped is still said
            }

            if (FileFrames > 0 && _position < FileFrames)
            {
                _logger.LogWarning("file.reader: '{Path}' ended at frame {Position} ({Seconds:F3} s) although libsndfile announced {Frames} frames: the file is shorter than its header says",
                    _path, _position, (double)_position / FileRate, FileFrames);
            }

            // A loop over an empty region would spin forever: end instead.
            if (!_loop || framesSinceSeek == 0)
            {
                return 0;
            }

            if (SndFile.Seek(_sndfile, _startFrame, SndFile.SF_SEEK_SET) < 0)
            {
                throw new IOException($"looping '{_path}': cannot seek to frame {_startFrame}: {SndFile.ErrorText(_sndfile)}");
            }

            _position = _startFrame;
            framesSinceSeek = 0;
        }
    }

    /// <summary>
    /// Gets past a decode error at <see cref="_position"/>: reopens the file and seeks <see cref="RecoveryStepFrames"/>
    /// further, then further again, until a seek lands; the skipped frames become silence. See Design.
    /// </summary>
    /// <exception cref="IOException">No seek landed before the end of the file (or within <see cref="RecoveryAttempts"/>).</exception>
    private void Recover()
    {
        long errorAt = _position;
        if (_damagedFrom < 0)
        {
            _damagedFrom = errorAt;
            _damage = SndFile.ErrorText(_sndfile);
        }

        long limit = FileFrames > 0 ? FileFrames : long.MaxValue;
        SndFile.Close(Interlocked.Exchange(ref _sndfile, 0));
        for (int attempt = 1; attempt <= RecoveryAttempts; attempt++)
        {
            long target = errorAt + ((long)attempt * RecoveryStepFrames);
            if (target >= limit)
            {
                break;
            }

            SfInfo info = default;
            nint handle = SndFile.Open(_path, SndFile.SFM_READ, &info);
            if (handle == 0)
            {
                break;
            }

            if (SndFile.Seek(handle, target, SndFile.SF_SEEK_SET) >= 0)
            {
                _sndfile = handle;
                _silenceFrames += target - errorAt;
                _position = target;
                return;
            }

            SndFile.Close(handle);
        }

        throw new IOException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"decoding '{_path}' failed at {_damagedFrom / (double)FileRate:F3} s (frame {_damagedFrom}): {_damage}; nothing decodable follows " +
            $"({(FileFrames > 0 ? $"the header announces {FileFrames / (double)FileRate:F3} s" : "the length is unknown")})"));
    }

    /// <summary>Says once, when audio decodes again (or the file ends), where the damaged region was and what it cost.</summary>
    private void ReportRecovery()
    {
        long skipped = _position - _damagedFrom;
        Volatile.Write(ref _decodeErrors, _decodeErrors + 1);
        Volatile.Write(ref _skippedFrames, _skippedFrames + skipped);
        _logger.LogWarning("file.reader: decode error in '{Path}' at {Seconds:F3} s (frame {Frame}): {Reason}; skipped {Skipped} frames ({Ms:F1} ms, played as silence) and resumed at {Resumed:F3} s",
            _path, _damagedFrom / (double)FileRate, _damagedFrom, _damage, skipped, skipped * 1000.0 / FileRate, _position / (double)FileRate);
        _damagedFrom = -1;
        _damage = null;
    }

    /// <summary>One src_process call over _decoded[inputOffset..] into _resampled; returns frames generated.</summary>
    private int Resample(int inputOffset, int inputFrames, bool endOfInput, out int used)
    {
        int error;
        SrcData data;
        fixed (float* input = _decoded)
        fixed (float* output = _resampled)
        {
            data = new SrcData
            {
                DataIn = input + (inputOffset * _channels),
                DataOut = output,
                InputFrames = new System.Runtime.InteropServices.CLong(inputFrames),
                OutputFrames = new System.Runtime.InteropServices.CLong(_resampled.Length / _channels),
                EndOfInput = endOfInput ? 1 : 0,
                SrcRatio = _ratio,
            };
            error = SampleRate.Process(_resampler, &data);
        }

        if (error != 0)
        {
            throw new IOException($"resampling '{_path}': {SampleRate.ErrorText(error)}");
        }

        used = (int)data.InputFramesUsed.Value;
        return (int)data.OutputFramesGen.Value;
    }
}
