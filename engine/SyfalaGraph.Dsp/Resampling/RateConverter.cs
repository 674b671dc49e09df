using SyfalaGraph.Abstractions.Buffers;

namespace SyfalaGraph.Dsp.Resampling;

// Design: a push-mode, fixed-ratio converter over the same PolyphaseResampler as the ClockBridge. Input frames are
// appended to a planar history; every output whose read position has its whole filter support in the history is
// produced; the history is then trimmed to the hl − 1 frames before the next read position. It starts with hl − 1
// frames of silent history and its first read position on the first input frame, so output frame j is the input
// signal at time j / output rate: no delay in the signal's timeline, and a look-ahead (buffering) of hl input frames.
// It does not follow a clock: where the two sides run on different clocks, the far side's ClockBridge absorbs the
// residual drift (the Syfala client sends at its own rate converted to the server's nominal rate, and the server's
// jitter buffer follows the client's clock).

/// <summary>
/// Converts a stream of interleaved float frames from one nominal sample rate to another at a fixed ratio
/// (44.1 ↔ 48 kHz…), with the anti-aliasing filter moved to the output's half rate when the rate goes down.
/// Each call takes any number of input frames up to the maximum given at construction and returns the output
/// frames that input completes. One thread at a time. Audio thread: yes for <see cref="Convert"/> and
/// <see cref="Reset"/> (no allocation, no lock).
/// </summary>
public sealed class RateConverter
{
    private readonly PolyphaseResampler _resampler;
    private readonly int _channels;
    private readonly double _step;
    private readonly int _maxInputFrames;
    private readonly AudioBuffer _history;
    private readonly AudioBuffer _planarOutput;
    private readonly float[] _output;
    private int _staged;
    private double _position;

    /// <summary>Creates a converter (allocates its filter and buffers; not on the audio thread).</summary>
    /// <param name="channels">Channels per frame (≥ 1).</param>
    /// <param name="inputRate">Sample rate of the input, Hz.</param>
    /// <param name="outputRate">Sample rate of the output, Hz.</param>
    /// <param name="maxInputFrames">Most frames given to one <see cref="Convert"/> call (≥ 1).</param>
    /// <param name="quality">Interpolation filter quality.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or rate is not positive, or the rates are more than 16 times apart.</exception>
    public RateConverter(int channels, double inputRate, double outputRate, int maxInputFrames, ResamplerQuality quality = ResamplerQuality.Medium)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(inputRate, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(outputRate, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInputFrames, 1);
        _channels = channels;
        _step = inputRate / outputRate;
        _resampler = new PolyphaseResampler(quality, _step);
        _maxInputFrames = maxInputFrames;
        InputSampleRate = inputRate;
        OutputSampleRate = outputRate;
        int hl = _resampler.HalfLength;
        _history = new AudioBuffer(channels, (2 * hl) + maxInputFrames + 4);
        MaxOutputFrames = (int)Math.Ceiling(((2 * hl) + maxInputFrames) / _step) + 2;
        _planarOutput = new AudioBuffer(channels, MaxOutputFrames);
        _output = new float[MaxOutputFrames * channels];
        Reset();
    }

    /// <summary>Channels per frame.</summary>
    public int Channels => _channels;

    /// <summary>Sample rate of the input, Hz.</summary>
    public double InputSampleRate { get; }

    /// <summary>Sample rate of the output, Hz.</summary>
    public double OutputSampleRate { get; }

    /// <summary>Most output frames one <see cref="Convert"/> call returns.</summary>
    public int MaxOutputFrames { get; }

    /// <summary>Input frames held back until the frames after them arrive (the filter's look-ahead).</summary>
    public int LookAheadFrames => _resampler.HalfLength;

    /// <summary>Forgets the stream: the next input frame is the first of a new one. Audio thread: yes.</summary>
    public void Reset()
    {
        int hl = _resampler.HalfLength;
        _history.Clear(hl - 1);
        _staged = hl - 1;
        _position = hl - 1;
    }

    /// <summary>
    /// Appends <paramref name="interleaved"/> (whole frames, L R L R…) and returns the output frames it completes,
    /// interleaved, in a buffer of this converter's that stays valid until the next call. Audio thread: yes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">More frames than the maximum given at construction.</exception>
    public ReadOnlySpan<float> Convert(ReadOnlySpan<float> interleaved)
    {
        int frames = interleaved.Length / _channels;
        if (frames > _maxInputFrames)
        {
            ThrowTooManyFrames();
        }

        for (int c = 0; c < _channels; c++)
        {
            Span<float> history = _history.GetChannel(c, _staged + frames)[_staged..];
            for (int f = 0; f < frames; f++)
            {
                history[f] = interleaved[(f * _channels) + c];
            }
        }

        _staged += frames;
        int hl = _resampler.HalfLength;
        // Outputs whose read position p has its support in the history: floor(p) + hl < _staged.
        double limit = _staged - hl;
        int count = _position < limit ? (int)Math.Ceiling((limit - _position) / _step) : 0;
        while (count > 0 && Math.Floor(_position + ((count - 1) * _step)) + hl >= _staged)
        {
            count--;
        }

        if (count == 0)
        {
            return [];
        }

        double next = _position;
        for (int c = 0; c < _channels; c++)
        {
            Span<float> output = _planarOutput.GetChannel(c, count);
            next = _resampler.Interpolate(_history.GetChannel(c, _staged), _position, _step, output);
            for (int f = 0; f < count; f++)
            {
                _output[(f * _channels) + c] = output[f];
            }
        }

        // Keep hl − 1 frames of history before the next read position.
        int drop = (int)Math.Floor(next) - (hl - 1);
        if (drop > 0)
        {
            for (int c = 0; c < _channels; c++)
            {
                Span<float> history = _history.GetChannel(c, _staged);
                history[drop..].CopyTo(history);
            }

            _staged -= drop;
            next -= drop;
        }

        _position = next;
        return _output.AsSpan(0, count * _channels);
    }

    private static void ThrowTooManyFrames() =>
        throw new ArgumentOutOfRangeException("interleaved", "more frames than the converter's maximum input");
}
