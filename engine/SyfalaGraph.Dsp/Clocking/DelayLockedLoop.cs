namespace SyfalaGraph.Dsp.Clocking;

// Design: F. Adriaensen, "Using a DLL to filter time", Linux Audio Conference 2005 — the loop JACK and PipeWire
// filter their period times with, generalised to events that carry any number of frames (network datagrams,
// blocks of varying size). State: the filtered time of the last event t̂ and the filtered period per frame p̂.
// For an event at raw time t after Δn frames: the prediction is t̂ + Δn·p̂, the error e = t − prediction, and
//   t̂ ← prediction + b·e,   p̂ ← p̂ + c·e / Δn,   with ω = 2π·B·Δn·p̂, b = √2·ω, c = ω²
// (a critically damped second-order loop of bandwidth B). The loop starts at 2 Hz and narrows geometrically to
// its final bandwidth over LockSeconds, so it locks within a second or two from the first event and then lets
// through only the slow wander of the clock itself.
//
// What must not move it: a late wake-up, a scheduling stall, a burst of datagrams that queued behind one. Those
// make errors of one sign far beyond the timing noise; an error beyond OutlierLimit (four times the mean |e|, and
// at least two event intervals or 0.5 ms) leaves t̂ at its prediction and p̂ as it was. A stall's catch-up events
// (back to back, late by less and less) are outliers too, until the thread is on time again. Only when every event
// has been an outlier for ReanchorSeconds, or one event comes more than ReanchorSeconds late (a stream that
// stopped and started again), is it a real step of the time base (a device that dropped a period, a new session):
// the phase jumps to the raw time, the period is kept.

/// <summary>
/// A delay-locked loop that estimates a clock from (arrival time, frame count) pairs: its rate against the time
/// base, and a jitter-free time for any frame position. One per clock; each instance belongs to one thread (the one
/// that sees the events); the snapshot properties are plain fields, read them from that thread.
/// Source: F. Adriaensen, "Using a DLL to filter time", LAC 2005 (see the Design note in the source).
/// Audio thread: yes (<see cref="Update"/> and the queries allocate nothing and never throw).
/// </summary>
public sealed class DelayLockedLoop
{
    /// <summary>Bandwidth the loop starts at, Hz.</summary>
    public const double StartBandwidthHz = 2;

    /// <summary>Seconds over which the bandwidth narrows from <see cref="StartBandwidthHz"/> to its final value.</summary>
    public const double LockSeconds = 2;

    /// <summary>Seconds of nothing but outliers after which the phase is taken from the raw times again.</summary>
    public const double ReanchorSeconds = 0.5;

    private readonly double _nominalSecondsPerFrame;
    private readonly double _finalBandwidthHz;
    private readonly double _ticksPerSecond;
    private long _originTicks;
    private bool _started;
    private bool _hasOrigin;
    private double _time; // filtered time of the last event, seconds since the origin
    private long _frames; // frame count of the last event
    private double _secondsPerFrame;
    private double _meanAbsError;
    private double _lastRaw; // raw time of the last event, seconds since the origin
    private double _outliersSince = double.NaN;

    /// <summary>Creates a loop for a clock whose nominal rate is <paramref name="nominalRateHz"/>.</summary>
    /// <param name="nominalRateHz">The rate the clock should run at, frames per second (Hz).</param>
    /// <param name="bandwidthHz">The loop's bandwidth once locked, Hz (see <see cref="LockSeconds"/>); at most <see cref="StartBandwidthHz"/>.</param>
    /// <param name="ticksPerSecond">Resolution of the timestamps given to <see cref="Update"/> (a <see cref="TimeProvider"/>'s frequency).</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate, bandwidth or resolution is not positive.</exception>
    public DelayLockedLoop(double nominalRateHz, double bandwidthHz, long ticksPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(nominalRateHz, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bandwidthHz, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ticksPerSecond, 0);
        _nominalSecondsPerFrame = 1 / nominalRateHz;
        _secondsPerFrame = _nominalSecondsPerFrame;
        _finalBandwidthHz = Math.Min(bandwidthHz, StartBandwidthHz);
        _ticksPerSecond = ticksPerSecond;
    }

    /// <summary>Whether an event has been seen (before that, the estimates are the nominal ones).</summary>
    public bool IsStarted => _started;

    /// <summary>The estimated rate of the clock against the time base, Hz (frames per second).</summary>
    public double RateHz => 1 / _secondsPerFrame;

    /// <summary>The estimated rate over the nominal one, minus 1: the clock's drift (dimensionless; × 1e6 for ppm).</summary>
    public double Drift => (_nominalSecondsPerFrame / _secondsPerFrame) - 1;

    /// <summary>The mean |error| of the events, seconds: the timing noise the loop filters out.</summary>
    public double JitterSeconds => _meanAbsError;

    /// <summary>Events taken as outliers (late wake-ups, stalls, bursts) and left out of the estimate.</summary>
    public long Outliers { get; private set; }

    /// <summary>Times the phase was taken from the raw times again after <see cref="ReanchorSeconds"/> of outliers (steps of the time base).</summary>
    public long Reanchors { get; private set; }

    /// <summary>The frame count of the last event.</summary>
    public long Frames => _frames;

    /// <summary>
    /// Feeds one event: the clock had counted <paramref name="frames"/> frames (a running total) at <paramref name="ticks"/>.
    /// The first event sets the phase. Events that do not advance the count are ignored.
    /// </summary>
    /// <returns>False when the event was taken as an outlier (or ignored).</returns>
    public bool Update(long ticks, long frames)
    {
        if (!_started)
        {
            if (!_hasOrigin)
            {
                _originTicks = ticks; // the first event ever: the origin of the loop's time and the start of its lock-in
                _hasOrigin = true;
            }

            _time = (ticks - _originTicks) / _ticksPerSecond;
            _lastRaw = _time;
            _frames = frames;
            _started = true;
            return true;
        }

        long step = frames - _frames;
        if (step <= 0)
        {
            return false;
        }

        double t = (ticks - _originTicks) / _ticksPerSecond;
        double interval = step * _secondsPerFrame;
        double predicted = _time + interval;
        double error = t - predicted;
        double limit = Math.Max(4 * _meanAbsError, Math.Max(2 * interval, 0.5e-3));
        // After an outlier, an event that follows its predecessor within a quarter of its interval is still the
        // thread catching up (back to back), late by less than the limit perhaps, but late: an outlier too.
        bool catchingUp = !double.IsNaN(_outliersSince) && t - _lastRaw < 0.25 * interval;
        _lastRaw = t;
        _frames = frames;
        if (Math.Abs(error) > limit || (catchingUp && error > 0))
        {
            Outliers++;
            if (double.IsNaN(_outliersSince))
            {
                _outliersSince = predicted;
            }

            if (predicted - _outliersSince >= ReanchorSeconds || error >= ReanchorSeconds)
            {
                Reanchors++;
                _outliersSince = double.NaN;
                _time = t;
            }
            else
            {
                _time = predicted;
            }

            return false;
        }

        _outliersSince = double.NaN;
        _meanAbsError += (Math.Abs(error) - _meanAbsError) * 0.01;
        double elapsed = predicted; // seconds since the first event
        double bandwidth = elapsed >= LockSeconds
            ? _finalBandwidthHz
            : StartBandwidthHz * Math.Pow(_finalBandwidthHz / StartBandwidthHz, elapsed / LockSeconds);
        double w = Math.Min(0.5, 2 * Math.PI * bandwidth * interval);
        _time = predicted + (Math.Sqrt(2) * w * error);
        _secondsPerFrame += w * w * error / step;
        return true;
    }

    /// <summary>The filtered time of frame position <paramref name="frames"/>, in ticks of the time base (extrapolated along the estimated rate).</summary>
    public double TicksAt(long frames) => _originTicks + ((_time + ((frames - _frames) * _secondsPerFrame)) * _ticksPerSecond);

    /// <summary>The frame position the clock is estimated to be at at <paramref name="ticks"/> (fractional, extrapolated along the estimated rate).</summary>
    public double FramesAt(double ticks) => _frames + ((((ticks - _originTicks) / _ticksPerSecond) - _time) / _secondsPerFrame);

    /// <summary>
    /// Takes the phase from the next event again, keeping the estimated rate: the stream restarts at an unknown
    /// time (a new session, a peer that came back). The next event's count may start anywhere.
    /// </summary>
    public void Restart()
    {
        if (_started)
        {
            _started = false; // the origin stays: the lock-in goes on where it was, the rate is kept
            _outliersSince = double.NaN;
        }
    }
}
