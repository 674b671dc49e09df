namespace SyfalaGraph.Engine.HotReload;

/// <summary>
/// Runs an action once a burst of <see cref="Signal"/> calls has been quiet for the debounce interval (editors and
/// builds write files in bursts), or, with a maximum wait, once the first signal not yet acted on is that old even
/// if the burst goes on (an edit storm still gets its runs, one per maximum wait at least). One run at a time, on a
/// timer thread of the <see cref="TimeProvider"/>; a signal during a run schedules another run after it. Disposal
/// waits (at most 10 s) for a run in progress. Audio thread: no (locks, a timer).
/// </summary>
internal sealed class DebouncedAction : IDisposable
{
    private readonly TimeSpan _debounce;
    private readonly TimeSpan? _maxWait;
    private readonly Action _action;
    private readonly Action<Exception>? _onError;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _idle = new(true);
    private bool _pending;
    private bool _running;
    private bool _disposed;
    private long _firstSignal; // timestamps of the provider, for the pending signals
    private long _lastSignal;

    /// <summary>Creates the action; nothing runs before the first <see cref="Signal"/>.</summary>
    /// <param name="debounce">Quiet time after the last signal before the action runs.</param>
    /// <param name="action">What to run.</param>
    /// <param name="maxWait">
    /// Longest time from the first pending signal to the run, however often signals keep coming; null: no bound
    /// (a burst that never pauses for <paramref name="debounce"/> never runs the action). At least <paramref name="debounce"/>.
    /// </param>
    /// <param name="time">The clock and timers (<see cref="TimeProvider.System"/> by default; tests pass a manual one).</param>
    /// <param name="onError">
    /// Receives an exception that escaped <paramref name="action"/> (on the timer thread, where it would end the
    /// process); null drops it. Either way the next signal runs the action again.
    /// </param>
    public DebouncedAction(TimeSpan debounce, Action action, TimeSpan? maxWait = null, TimeProvider? time = null,
        Action<Exception>? onError = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(debounce, TimeSpan.Zero);
        if (maxWait is TimeSpan m)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(m, debounce, nameof(maxWait));
        }

        _debounce = debounce;
        _maxWait = maxWait;
        _action = action;
        _onError = onError;
        _time = time ?? TimeProvider.System;
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Something changed; the action runs after the next quiet interval or at the maximum wait. Any thread.</summary>
    public void Signal()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            long now = _time.GetTimestamp();
            if (!_pending)
            {
                _pending = true;
                _firstSignal = now;
            }

            _lastSignal = now;
            if (!_running)
            {
                ArmLocked(now);
            }
        }
    }

    /// <summary>Stops the timer; waits (at most 10 s) for a run in progress. Signals after this are ignored.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _timer.Dispose();
        _idle.Wait(TimeSpan.FromSeconds(10));
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_disposed || _running || !_pending)
            {
                return;
            }

            long now = _time.GetTimestamp();
            TimeSpan due = DueLocked(now);
            if (due > TimeSpan.Zero)
            {
                _timer.Change(due, Timeout.InfiniteTimeSpan); // a signal came after the timer was set
                return;
            }

            _pending = false; // signals from here on are for the next run
            _running = true;
            _idle.Reset();
        }

        try
        {
            _action();
        }
        catch (Exception ex)
        {
            _onError?.Invoke(ex);
        }
        finally
        {
            lock (_gate)
            {
                _running = false;
                _idle.Set();
                if (_pending && !_disposed)
                {
                    ArmLocked(_time.GetTimestamp());
                }
            }
        }
    }

    // Time left until the run: the quiet interval after the last signal, capped by the maximum wait after the first.
    private TimeSpan DueLocked(long now)
    {
        TimeSpan quiet = _debounce - _time.GetElapsedTime(_lastSignal, now);
        if (_maxWait is TimeSpan max)
        {
            TimeSpan cap = max - _time.GetElapsedTime(_firstSignal, now);
            quiet = cap < quiet ? cap : quiet;
        }

        return quiet;
    }

    private void ArmLocked(long now)
    {
        TimeSpan due = DueLocked(now);
        _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
