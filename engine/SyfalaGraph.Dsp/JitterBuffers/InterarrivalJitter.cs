namespace SyfalaGraph.Dsp.JitterBuffers;

/// <summary>
/// The interarrival jitter estimate of RFC 3550 §6.4.1: for consecutive packets i, j with arrival times R and media
/// times S (both in seconds), D = (Rj − Ri) − (Sj − Si) and J += (|D| − J) / 16. A mutable struct, held in a field
/// of the one receiver thread that feeds it; allocation-free. Audio/network thread: yes.
/// </summary>
/// <remarks>
/// The arrival clock and the media clock need not share an origin: only differences of their difference (the
/// transit time) count, so a constant offset cancels, and a clock drift shows as a slow ramp that J barely sees.
/// </remarks>
public struct InterarrivalJitter
{
    private double _lastTransit;
    private double _jitter;
    private bool _haveTransit;

    /// <summary>The current estimate J, in seconds (0 until two packets were seen).</summary>
    public readonly double Seconds => _jitter;

    /// <summary>
    /// Takes one packet: <paramref name="arrivalSeconds"/> on the receiver's clock, <paramref name="mediaSeconds"/> the
    /// media time of its first sample (e.g. its first frame's index / sample rate). Returns the updated estimate, s.
    /// </summary>
    public double Update(double arrivalSeconds, double mediaSeconds)
    {
        double transit = arrivalSeconds - mediaSeconds;
        if (_haveTransit)
        {
            _jitter += (Math.Abs(transit - _lastTransit) - _jitter) / 16.0;
        }

        _lastTransit = transit;
        _haveTransit = true;
        return _jitter;
    }

    /// <summary>
    /// Forgets the last packet's transit time but keeps the estimate: the next packet starts a new pair (after a
    /// resynchronisation, whose media-time jump is no jitter).
    /// </summary>
    public void Restart() => _haveTransit = false;

    /// <summary>Forgets everything: the estimate is 0 again (a new session).</summary>
    public void Reset() => this = default;
}
