namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

// Design: a fixed bound on how fast a control plane's log can grow, whatever arrives. Time is cut into windows of
// IntervalMs (the first starts at the first call). In each window at most SessionLinesPerInterval lines about single
// sessions (connected, lost, I/O started...) are written; the others are counted as suppressed. Ignored and refused
// messages are never written one by one: they are counted where they happen, and the control plane writes ONE summary
// line at the first tick of a window when anything was counted in the windows before it. So any window holds at most
// MaxLinesPerInterval lines, and any span of D ms at most (ceil(D / IntervalMs) + 1) * MaxLinesPerInterval.
// Control plane only (no locks); no allocation.

/// <summary>Rate limit of a control plane's log lines (see the design note). Control plane only.</summary>
internal sealed class LogRateLimiter
{
    /// <summary>Length of a window, ms.</summary>
    public const long IntervalMs = 1000;

    /// <summary>Lines about single sessions written per window at most.</summary>
    public const int SessionLinesPerInterval = 5;

    /// <summary>Lines per window at most: the session lines and one summary.</summary>
    public const int MaxLinesPerInterval = SessionLinesPerInterval + 1;

    private long _windowStartMs;
    private bool _started;
    private int _sessionLines;
    private bool _summaryWritten;

    /// <summary>Session lines not written since the last summary.</summary>
    public long Suppressed { get; private set; }

    /// <summary>Session lines not written in all.</summary>
    public long SuppressedTotal { get; private set; }

    /// <summary>Start of the last summary's span, ms (its length is now − this).</summary>
    public long SummarySinceMs { get; private set; }

    /// <summary>Whether a line about one session may be written now; counts it as suppressed when not.</summary>
    public bool TryTakeSessionLine(long nowMs)
    {
        Roll(nowMs);
        if (_sessionLines < SessionLinesPerInterval)
        {
            _sessionLines++;
            return true;
        }

        Suppressed++;
        SuppressedTotal++;
        return false;
    }

    /// <summary>
    /// Whether the summary may be written now (at most once per window, and not in the first window: what it sums up
    /// must have had a window to accumulate). The caller writes it only when something was counted, then calls
    /// <see cref="SummaryWritten"/>.
    /// </summary>
    public bool SummaryDue(long nowMs)
    {
        Roll(nowMs);
        return !_summaryWritten && nowMs - SummarySinceMs >= IntervalMs;
    }

    /// <summary>The summary was written at <paramref name="nowMs"/>: the next one counts from here.</summary>
    public void SummaryWritten(long nowMs)
    {
        _summaryWritten = true;
        Suppressed = 0;
        SummarySinceMs = nowMs;
    }

    private void Roll(long nowMs)
    {
        if (!_started)
        {
            _started = true;
            _windowStartMs = nowMs;
            SummarySinceMs = nowMs;
            return;
        }

        if (nowMs - _windowStartMs >= IntervalMs)
        {
            _windowStartMs += (nowMs - _windowStartMs) / IntervalMs * IntervalMs;
            _sessionLines = 0;
            _summaryWritten = false;
        }
    }
}
