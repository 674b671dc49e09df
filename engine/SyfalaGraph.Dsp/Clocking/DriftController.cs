namespace SyfalaGraph.Dsp.Clocking;

// Design: a second-order type-2 loop (PI controller after a one-pole low-pass), the structure of a
// delay-locked loop. The plant is the bridge itself: the fill error e (frames) changes at
// de/dt = −rate · (ratio − ratio*), so with ratio = 1 + kp·e + ki·∫e the closed loop is
// s² + rate·kp·s + rate·ki = 0. Choosing ki = ωn²/rate and kp = 2ζωn/rate gives natural frequency ωn
// and damping ζ independent of the sample rate. The integrator learns the clock ratio (the drift); the
// proportional term holds the fill. The low-pass (at 4 × the loop bandwidth) smooths timestamp jitter
// before it can modulate the ratio. All state is touched by the consumer thread only.

/// <summary>Steers a resampling ratio so that a bridge's fill stays at its target (see the Design note).</summary>
internal sealed class DriftController
{
    private const double Damping = 0.9;
    private readonly double _kp;
    private readonly double _ki;
    private readonly double _lowPassRadPerFrame;
    private readonly double _sampleRate;
    private readonly double _maxDeviation;
    private double _filtered;
    private double _integral;

    /// <param name="sampleRate">Consumer sample rate, Hz.</param>
    /// <param name="bandwidthHz">Loop natural frequency, Hz.</param>
    /// <param name="maxDeviation">Largest |ratio − 1| allowed.</param>
    public DriftController(double sampleRate, double bandwidthHz, double maxDeviation)
    {
        double wn = 2 * Math.PI * bandwidthHz;
        _kp = 2 * Damping * wn / sampleRate;
        _ki = wn * wn / sampleRate;
        _lowPassRadPerFrame = 2 * Math.PI * 4 * bandwidthHz / sampleRate;
        _sampleRate = sampleRate;
        _maxDeviation = maxDeviation;
    }

    /// <summary>The low-passed fill error, frames.</summary>
    public double FilteredError => _filtered;

    /// <summary>The learnt clock ratio minus 1 (the integrator), dimensionless.</summary>
    public double Drift => _integral;

    /// <summary>
    /// Feeds the fill error measured before a block of <paramref name="frames"/> output frames (frames above target)
    /// and returns the ratio (input frames per output frame) for that block.
    /// </summary>
    public double Update(double errorFrames, int frames)
    {
        _filtered += (1 - Math.Exp(-_lowPassRadPerFrame * frames)) * (errorFrames - _filtered);
        double proportional = _kp * _filtered;
        double integral = _integral + (_ki * _filtered * frames / _sampleRate);
        // Anti-windup: while the output is clamped, the integrator only moves back towards the range, so a
        // large start-up error does not leave it wound up (which would overshoot into underflows).
        if (Math.Abs(proportional + integral) <= _maxDeviation || Math.Abs(integral) < Math.Abs(_integral))
        {
            _integral = Math.Clamp(integral, -_maxDeviation, _maxDeviation);
        }

        return 1 + Math.Clamp(proportional + _integral, -_maxDeviation, _maxDeviation);
    }
}
