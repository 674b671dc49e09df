using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Engine.Clocks;

namespace SyfalaGraph.Engine.Tests.Clocks;

/// <summary>
/// The realtime clock's pacing against a fake time source: every block starts at its deadline, a late wake-up runs the
/// missed blocks back to back (counted late, none dropped), and only a stall beyond the catch-up bound re-anchors.
/// </summary>
public class RealtimeClockTests
{
    // 48 kHz, 48-frame blocks: a period of exactly 1 ms = 1,000,000 ticks of the fake 1 GHz timer.
    private const double Rate = 48000;
    private const int Block = 48;
    private const long Period = 1_000_000;

    [Fact]
    public void Blocks_start_on_their_deadlines_when_nothing_is_late()
    {
        var timer = new FakeBlockTimer();
        var cycle = new RecordingCycle(timer, blocks: 20);
        Run(timer, cycle);
        // Block 0 runs at once and anchors the timeline after itself; block n (n ≥ 1) then starts at anchor + (n - 1) periods.
        Assert.Equal(Enumerable.Range(0, 19).Select(n => FakeBlockTimer.Start + (n * Period)), cycle.Starts.Skip(1));
        Assert.Equal(0, cycle.Late);
        Assert.Equal(0, cycle.Xruns);
    }

    [Fact]
    public void A_wake_up_late_by_k_periods_runs_the_missed_blocks_back_to_back_counted_late_none_dropped()
    {
        var timer = new FakeBlockTimer();
        // Block 10 takes 5.5 periods (the thread was preempted): blocks 11..15 are due while it runs.
        var cycle = new RecordingCycle(timer, blocks: 40) { Stall = (10, (11 * Period) / 2) };
        Run(timer, cycle);
        long anchor = FakeBlockTimer.Start;
        long stalledEnd = anchor + (9 * Period) + (11 * Period / 2);
        // Blocks 11.. start back to back at the end of the stall until the deadlines catch up: 11 (4.5 periods late),
        // 12 (3.5), 13 (2.5), 14 (1.5), 15 (0.5: less than a period, on time) — then 16 sleeps to its deadline.
        Assert.All(cycle.Starts.Skip(11).Take(5), start => Assert.Equal(stalledEnd, start));
        Assert.Equal(anchor + (15 * Period), cycle.Starts[16]);
        Assert.Equal(4, cycle.Late);
        Assert.Equal(0, cycle.Xruns);
        // None dropped: block 39 still starts exactly 38 periods after the anchor.
        Assert.Equal(anchor + (38 * Period), cycle.Starts[39]);
    }

    [Fact]
    public void A_stall_longer_than_the_catch_up_bound_re_anchors_and_counts_one_xrun()
    {
        var timer = new FakeBlockTimer();
        long stall = (long)(RealtimeClock.MaxCatchUpSeconds * 1e9) + (3 * Period);
        var cycle = new RecordingCycle(timer, blocks: 20) { Stall = (5, stall) };
        Run(timer, cycle);
        Assert.Equal(1, cycle.Xruns);
        Assert.Equal(0, cycle.Late);
        long end = FakeBlockTimer.Start + (4 * Period) + stall;
        // Block 6 runs at the end of the stall (re-anchored), the next ones a period apart from there.
        Assert.Equal(end, cycle.Starts[6]);
        Assert.Equal(end + Period, cycle.Starts[7]);
    }

    private static void Run(FakeBlockTimer timer, RecordingCycle cycle)
    {
        var clock = new RealtimeClock(Rate, Block, timer: timer);
        clock.Start(cycle);
        Assert.True(cycle.Done.Wait(TimeSpan.FromSeconds(30)), "the clock ran every block");
        clock.Stop();
    }

    /// <summary>Time that moves only when the clock sleeps or a block takes time.</summary>
    private sealed class FakeBlockTimer : BlockTimer
    {
        public const long Start = 1_000_000_000;
        private long _now = Start;

        public override long Frequency => 1_000_000_000;

        public override long Now() => Volatile.Read(ref _now);

        public override void SleepUntil(long deadline) => Volatile.Write(ref _now, Math.Max(_now, deadline));

        public void Advance(long ticks) => Volatile.Write(ref _now, _now + ticks);
    }

    private sealed class RecordingCycle(FakeBlockTimer timer, int blocks) : IGraphCycle
    {
        public List<long> Starts { get; } = [];

        public ManualResetEventSlim Done { get; } = new();

        public (int Block, long Ticks) Stall { get; init; } = (-1, 0);

        public int Late { get; private set; }

        public int Xruns { get; private set; }

        public bool Run(int frames)
        {
            if (Starts.Count == blocks)
            {
                Done.Set();
                return false;
            }

            Starts.Add(timer.Now());
            if (Starts.Count - 1 == Stall.Block)
            {
                timer.Advance(Stall.Ticks);
            }

            return true;
        }

        public void ReportXrun() => Xruns++;

        public void ReportLateBlock() => Late++;

        public void WarmUp()
        {
        }
    }
}
