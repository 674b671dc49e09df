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

/// <summary>
/// Streams one audio file into an <see cref="SpscRing{T}"/> of interleaved float frames at the graph's
/// sample rate from a thread of its own (libsndfile decode + libsamplerate conversion). Owned by
/// <see cref="FileReaderNode"/>. Audio thread: only <see cref="Consumer"/>, <see cref="Ended"/>.
/// </summary>
internal sealed unsafe class FileDecoder : IDisposable
{
    private const int ChunkFrames = 4096;

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

        NativeLibraries.EnsureSndFile();
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

            _ratio = graphRate / FileRate;
            if (_ratio != 1.0)
            {
                if (_ratio > SampleRate.MaxRatio || _ratio < 1.0 / SampleRate.MaxRatio)
                {
                    throw new NodeException($"'{path}' is at {FileRate} Hz: libsamplerate cannot convert it to {graphRate} Hz (ratio beyond 1/256..256)");
                }

                NativeLibraries.EnsureSampleRate();
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
        catch (Exception ex)
        {
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

    /// <summary>Reads up to one chunk into _decoded, wrapping to the start frame when looping; 0 at the end.</summary>
    private int ReadChunk(ref long framesSinceSeek)
    {
        while (true)
        {
            long n;
            fixed (float* buffer = _decoded)
            {
                n = SndFile.ReadFramesFloat(_sndfile, buffer, ChunkFrames);
            }

            if (n > 0)
            {
                framesSinceSeek += n;
                return (int)n;
            }

            if (SndFile.Error(_sndfile) != 0)
            {
                throw new IOException($"reading '{_path}': {SndFile.ErrorText(_sndfile)}");
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

            framesSinceSeek = 0;
        }
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
