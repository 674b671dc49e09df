using System.Diagnostics;

namespace SyfalaGraph.Plugins.File.Streaming;

/// <summary>
/// Escalating wait used while a ring is full (disk threads) or, on the offline clock only, empty (audio
/// thread): a few short spins, then yields, then 1 ms sleeps. Allocation-free; a value type so each waiter
/// keeps its own state.
/// </summary>
internal struct Backoff
{
    private const int SpinRounds = 8;
    private int _round;

    /// <summary>Starts over (after progress was made).</summary>
    public void Reset() => _round = 0;

    /// <summary>Waits a little longer than last time. <paramref name="yieldRounds"/>: how many yields before sleeping 1 ms.</summary>
    public void Pause(int yieldRounds)
    {
        int round = _round++;
        if (round < SpinRounds)
        {
            Thread.SpinWait(8 << round);
        }
        else if (round < SpinRounds + yieldRounds)
        {
            Thread.Sleep(0);
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp <paramref name="seconds"/> from now. Audio thread: yes.</summary>
    public static long DeadlineAfter(double seconds) => Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);

    /// <summary>Whether <paramref name="deadline"/> (from <see cref="DeadlineAfter"/>) has passed. Audio thread: yes.</summary>
    public static bool HasPassed(long deadline) => Stopwatch.GetTimestamp() > deadline;
}
