using SyfalaGraph.Engine.HotReload;

namespace SyfalaGraph.Engine.Tests.HotReload;

/// <summary>
/// The debounce of <c>--watch</c> (issue 15, item 7): a quiet interval after the last change, and a maximum wait from
/// the first change not yet acted on, so an edit storm still reloads. Time is a <see cref="ManualTimeProvider"/>: every
/// run happens at an exact instant, with no real-time margin.
/// </summary>
public class DebouncedActionTests
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Runs_once_the_signals_have_been_quiet_for_the_debounce()
    {
        var time = new ManualTimeProvider();
        var runs = new List<TimeSpan>();
        using var debounced = new DebouncedAction(Debounce, () => runs.Add(time.Now), MaxWait, time);

        debounced.Signal();
        time.Advance(Ms(100));
        debounced.Signal(); // restarts the quiet interval
        time.Advance(Ms(149));
        Assert.Empty(runs);
        time.Advance(Ms(1));
        Assert.Equal([Ms(250)], runs);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(runs); // nothing new was signalled
    }

    [Fact]
    public void A_storm_of_signals_100_ms_apart_runs_at_each_maximum_wait()
    {
        // The case: 200 writes at 10 Hz, always closer than the 150 ms debounce.
        var time = new ManualTimeProvider();
        var runs = new List<TimeSpan>();
        using var debounced = new DebouncedAction(Debounce, () => runs.Add(time.Now), MaxWait, time);
        for (int i = 0; i < 200; i++)
        {
            debounced.Signal();
            time.Advance(Ms(100));
        }

        // The first pending signal (t = 0) runs at 1 s; the next signal comes right after that run and runs 1 s later; …
        // the last one (t = 19.9 s) is covered by the run at 20 s.
        TimeSpan[] expected = Enumerable.Range(1, 20).Select(k => Ms(k * 1000)).ToArray();
        Assert.Equal(expected, runs);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(20, runs.Count);
    }

    [Fact]
    public void Without_a_maximum_wait_a_storm_never_runs_until_it_stops()
    {
        var time = new ManualTimeProvider();
        var runs = new List<TimeSpan>();
        using var debounced = new DebouncedAction(Debounce, () => runs.Add(time.Now), maxWait: null, time);
        for (int i = 0; i < 200; i++)
        {
            debounced.Signal();
            time.Advance(Ms(100));
        }

        Assert.Empty(runs);
        time.Advance(Ms(50));
        Assert.Equal([Ms(20_050)], runs);
    }

    [Fact]
    public void A_signal_during_a_run_runs_again_after_it_and_its_own_wait()
    {
        var time = new ManualTimeProvider();
        var runs = new List<TimeSpan>();
        DebouncedAction? debounced = null;
        debounced = new DebouncedAction(Debounce, () =>
        {
            runs.Add(time.Now);
            if (runs.Count == 1)
            {
                debounced!.Signal(); // a change that lands while the reload reads the file
            }
        }, MaxWait, time);
        using (debounced)
        {
            debounced.Signal();
            time.Advance(Ms(150));
            Assert.Equal([Ms(150)], runs);
            time.Advance(Ms(149));
            Assert.Single(runs);
            time.Advance(Ms(1));
            Assert.Equal([Ms(150), Ms(300)], runs);
        }
    }

    [Fact]
    public void An_exception_of_the_action_goes_to_on_error_and_the_next_signal_runs_again()
    {
        var time = new ManualTimeProvider();
        int runs = 0;
        var errors = new List<Exception>();
        using var debounced = new DebouncedAction(Debounce, () =>
        {
            if (++runs == 1)
            {
                throw new InvalidOperationException("first run fails");
            }
        }, MaxWait, time, errors.Add);
        debounced.Signal();
        time.Advance(Ms(150));
        Assert.Equal("first run fails", Assert.Single(errors).Message);
        debounced.Signal();
        time.Advance(Ms(150));
        Assert.Equal(2, runs);
        Assert.Single(errors);
    }

    [Fact]
    public void Nothing_runs_after_dispose()
    {
        var time = new ManualTimeProvider();
        int runs = 0;
        var debounced = new DebouncedAction(Debounce, () => runs++, MaxWait, time);
        debounced.Signal();
        debounced.Dispose();
        debounced.Signal();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, runs);
    }

    [Fact]
    public void A_maximum_wait_shorter_than_the_debounce_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DebouncedAction(Debounce, () => { }, Ms(100), new ManualTimeProvider()));
    }
}
