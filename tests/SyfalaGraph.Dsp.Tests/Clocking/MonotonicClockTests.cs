using System.Diagnostics;
using SyfalaGraph.Dsp.Clocking;

namespace SyfalaGraph.Dsp.Tests.Clocking;

/// <summary>MonotonicClock reads the clock Stopwatch reads on Linux, and never wakes before an absolute deadline.</summary>
public sealed class MonotonicClockTests
{
    [Fact]
    public void Now_is_the_clock_stopwatch_reads_on_linux()
    {
        Assert.SkipUnless(MonotonicClock.StopwatchIsMonotonicNanoseconds, "Linux only");
        for (int i = 0; i < 1000; i++)
        {
            long before = Stopwatch.GetTimestamp();
            long now = MonotonicClock.NowNanoseconds();
            long after = Stopwatch.GetTimestamp();
            Assert.InRange(now, before, after);
        }
    }

    [Fact]
    public void Sleep_until_an_absolute_deadline_never_returns_before_it()
    {
        Assert.SkipUnless(MonotonicClock.Supported, "Linux only");
        var late = new List<long>();
        for (int i = 0; i < 50; i++)
        {
            long deadline = MonotonicClock.NowNanoseconds() + 1_000_000; // 1 ms ahead
            MonotonicClock.SleepUntil(deadline);
            long woke = MonotonicClock.NowNanoseconds();
            Assert.True(woke >= deadline, $"woke {deadline - woke} ns early");
            late.Add(woke - deadline);
        }

        MonotonicClock.SleepUntil(MonotonicClock.NowNanoseconds() - 1_000_000_000); // a past deadline returns at once
        late.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine($"wake-up lateness: median {late[late.Count / 2] / 1000.0:F0} µs, max {late[^1] / 1000.0:F0} µs");
    }
}
