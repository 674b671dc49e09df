using System.Numerics.Tensors;

namespace SyfalaGraph.Dsp.Levels;

// Design: a linear gain ramp shared by every channel of one signal path (gain, one mix input).
//
// - The gain is a double state; it is cast to float once per frame, so a steady gain is exactly
//   (float)10^(dB/20) — the value the tests compare against — and the steady-state path is a single
//   TensorPrimitives call per channel (vectorised, allocation-free).
// - A new target starts a ramp from the gain of the last processed frame (so a retarget in the middle
//   of a ramp does not jump) to the target over N frames: frame k of the ramp (1-based) gets
//   start + (target - start)·k/N, and frame N gets exactly `target`, so the ramp ends on the target
//   value bit for bit instead of one rounding away from it.
// - Advance() runs once per block and fills the per-frame gains of the ramp part of the block into a
//   buffer allocated in Prepare; each channel then multiplies by that buffer (ramp part) and by the
//   steady target (rest of the block). Channels see identical gains, so the image stays put.

/// <summary>
/// A per-block linear gain ramp (no zipper noise on gain changes). One instance per signal path; audio
/// thread: yes for <see cref="SetTarget"/>, <see cref="Advance"/>, <see cref="Apply"/> and <see cref="ApplyAdd"/>.
/// </summary>
public sealed class GainRamp
{
    private float[] _gains = [];
    private double _current = 1.0;
    private double _start = 1.0;
    private double _target = 1.0;
    private int _length;
    private int _position;
    private int _lastCount;

    /// <summary>The gain applied to the last processed frame (linear).</summary>
    public double Current => _current;

    /// <summary>The gain the ramp is heading to, or the steady gain (linear).</summary>
    public double Target => _target;

    /// <summary>True while a ramp is in progress.</summary>
    public bool IsRamping => _position < _length;

    /// <summary>The steady gain as applied to samples.</summary>
    public float SteadyGain => (float)_target;

    /// <summary>Per-frame gains of the ramp part of the block last advanced (length = <see cref="Advance"/>'s result).</summary>
    public ReadOnlySpan<float> RampGains => _gains.AsSpan(0, _lastCount);

    /// <summary>Allocates the per-block buffer and sets the gain with no ramp. Audio thread: no.</summary>
    public void Prepare(int maxBlockFrames, double initialGain)
    {
        _gains = new float[maxBlockFrames];
        Jump(initialGain);
    }

    /// <summary>Sets the gain immediately (no ramp).</summary>
    public void Jump(double gain)
    {
        _current = _start = _target = gain;
        _length = _position = _lastCount = 0;
    }

    /// <summary>Heads for <paramref name="gain"/> over <paramref name="rampFrames"/> frames from the current gain (0 frames: jump).</summary>
    public void SetTarget(double gain, int rampFrames)
    {
        if (rampFrames <= 0 || gain == _current)
        {
            Jump(gain);
            return;
        }

        _start = _current;
        _target = gain;
        _length = rampFrames;
        _position = 0;
    }

    /// <summary>
    /// Moves the ramp on by one block of <paramref name="frames"/> frames and fills <see cref="RampGains"/>.
    /// Returns how many leading frames of the block take per-frame gains; the rest take <see cref="SteadyGain"/>.
    /// </summary>
    public int Advance(int frames)
    {
        int n = Math.Min(frames, _length - _position);
        if (n <= 0)
        {
            _lastCount = 0;
            return 0;
        }

        double start = _start;
        double delta = _target - start;
        double length = _length;
        float[] gains = _gains;
        int k = _position;
        for (int i = 0; i < n; i++)
        {
            k++;
            gains[i] = (float)(start + (delta * (k / length)));
        }

        _position = k;
        if (k == _length)
        {
            gains[n - 1] = (float)_target;
            _current = _target;
        }
        else
        {
            _current = start + (delta * (k / length));
        }

        _lastCount = n;
        return n;
    }

    /// <summary><paramref name="destination"/> = <paramref name="source"/> × gain for this block (may be the same span).</summary>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = _lastCount;
        if (n > 0)
        {
            TensorPrimitives.Multiply(source[..n], _gains.AsSpan(0, n), destination[..n]);
        }

        if (n < source.Length)
        {
            float gain = (float)_target;
            if (gain == 1f)
            {
                source[n..].CopyTo(destination[n..]);
            }
            else
            {
                TensorPrimitives.Multiply(source[n..], gain, destination[n..]);
            }
        }
    }

    /// <summary><paramref name="destination"/> += <paramref name="source"/> × gain for this block.</summary>
    public void ApplyAdd(ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = _lastCount;
        if (n > 0)
        {
            TensorPrimitives.MultiplyAdd(source[..n], _gains.AsSpan(0, n), destination[..n], destination[..n]);
        }

        if (n < source.Length)
        {
            TensorPrimitives.MultiplyAdd(source[n..], (float)_target, destination[n..], destination[n..]);
        }
    }
}
