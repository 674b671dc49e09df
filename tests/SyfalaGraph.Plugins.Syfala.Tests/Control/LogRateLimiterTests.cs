using SyfalaGraph.Plugins.Syfala.Internal.Control;

namespace SyfalaGraph.Plugins.Syfala.Tests.Control;

/// <summary>The control plane's log bound, with a fake clock.</summary>
public sealed class LogRateLimiterTests
{
    [Fact]
    public void No_rate_of_events_writes_more_than_the_bound_in_any_span()
    {
        var limiter = new LogRateLimiter();
        var lines = new List<long>();
        long counted = 0;
        const long Span = 10_000;
        for (long t = 0; t < Span; t++)
        {
            for (int i = 0; i < 50; i++) // 50 session events and 50 refusals per ms: 50k/s of each
            {
                if (limiter.TryTakeSessionLine(t))
                {
                    lines.Add(t);
                }

                counted++;
            }

            if (limiter.SummaryDue(t))
            {
                lines.Add(t);
                limiter.SummaryWritten(t);
            }
        }

        long bound = ((Span + LogRateLimiter.IntervalMs - 1) / LogRateLimiter.IntervalMs + 1) * LogRateLimiter.MaxLinesPerInterval;
        Assert.True(lines.Count <= bound, $"{lines.Count} lines in {Span} ms, bound {bound}");
        for (int i = 0; i < lines.Count; i++)
        {
            // Any window of IntervalMs, wherever it starts, holds at most two windows' worth.
            int inWindow = lines.Count(l => l >= lines[i] && l < lines[i] + LogRateLimiter.IntervalMs);
            Assert.True(inWindow <= 2 * LogRateLimiter.MaxLinesPerInterval, $"{inWindow} lines in the 1 s from {lines[i]} ms");
        }

        Assert.Equal(counted - (lines.Count - (Span / LogRateLimiter.IntervalMs - 1)), limiter.SuppressedTotal);
    }

    [Fact]
    public void A_lone_event_is_written_at_once_and_the_summary_waits_a_window()
    {
        var limiter = new LogRateLimiter();
        Assert.False(limiter.SummaryDue(0));
        Assert.True(limiter.TryTakeSessionLine(10));
        Assert.False(limiter.SummaryDue(999));
        Assert.True(limiter.SummaryDue(1000));
        limiter.SummaryWritten(1000);
        Assert.False(limiter.SummaryDue(1500));
        Assert.False(limiter.SummaryDue(1999));
        Assert.True(limiter.SummaryDue(2000));
        Assert.Equal(0, limiter.SuppressedTotal);
    }
}
