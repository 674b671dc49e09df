using SyfalaGraph.Dsp.Clocking;

namespace SyfalaGraph.Dsp.Tests.Clocking;

/// <summary>The delay-locked loop on its own: events of a clock at 48 kHz × (1 + drift), timestamps in ns.</summary>
public class DelayLockedLoopTests
{
    private const double Rate = 48000;
    private const long Ns = 1_000_000_000;

    private static long At(long frames, double ppm, double lateMs = 0) => (long)((frames / (Rate * (1 + (ppm * 1e-6))) * Ns) + (lateMs * 1e6));

    [Fact]
    public void Locks_from_the_first_event_within_20_ppm_in_2_s_and_within_1_ppm_later()
    {
        var dll = new DelayLockedLoop(Rate, 0.05, Ns);
        var rng = new Random(5);
        double at2s = double.NaN;
        for (long k = 0; k <= 750 * 20; k++)
        {
            dll.Update(At(k * 64, 300, Math.Abs(rng.NextDouble() - 0.5) * 0.2), k * 64);
            if (k == 750 * 2)
            {
                at2s = dll.Drift * 1e6;
            }
        }

        Assert.InRange(at2s, 280, 320);
        Assert.InRange(dll.Drift * 1e6, 299, 301);
        Assert.InRange(dll.RateHz, Rate * (1 + 299e-6), Rate * (1 + 301e-6));
        Assert.Equal(0, dll.Reanchors);
    }

    [Fact]
    public void A_stall_and_its_back_to_back_catch_up_move_neither_the_rate_nor_the_time_base()
    {
        var dll = new DelayLockedLoop(Rate, 0.05, Ns);
        long k = 0;
        for (; k < 750 * 10; k++)
        {
            dll.Update(At(k * 64, 100), k * 64);
        }

        double drift = dll.Drift;
        long stallEnd = At(k * 64, 100) + 45_000_000; // 45 ms late, then the missed blocks 1 µs apart
        long last = stallEnd;
        for (int i = 0; i < 60; i++, k++)
        {
            last = Math.Max(At(k * 64, 100), i == 0 ? stallEnd : last + 1000);
            dll.Update(last, k * 64);
        }

        Assert.True(dll.Outliers >= 30, $"{dll.Outliers} outliers");
        Assert.InRange((dll.Drift - drift) * 1e6, -0.01, 0.01);
        Assert.InRange(dll.TicksAt(k * 64) - At(k * 64, 100), -2_000, 2_000); // the time base within 2 µs of the true one
        Assert.Equal(0, dll.Reanchors);
    }

    [Fact]
    public void A_lasting_step_of_the_time_base_is_taken_after_half_a_second_and_a_long_gap_at_once()
    {
        var dll = new DelayLockedLoop(Rate, 0.05, Ns);
        long k = 0;
        for (; k < 750 * 5; k++)
        {
            dll.Update(At(k * 64, 0), k * 64);
        }

        // A device that dropped 10 ms: every event from now on 10 ms late.
        for (int i = 0; i < 750; i++, k++)
        {
            dll.Update(At(k * 64, 0, 10), k * 64);
        }

        Assert.Equal(1, dll.Reanchors);
        Assert.InRange(dll.TicksAt(k * 64) - At(k * 64, 0, 10), -20_000, 20_000);
        Assert.InRange(dll.Drift * 1e6, -1, 1);

        // A stream that stopped for 2 s and goes on with its next frames: taken at its first event.
        dll.Update(At(k * 64, 0, 2010), k * 64);
        Assert.Equal(2, dll.Reanchors);
        Assert.InRange(dll.TicksAt(k * 64) - At(k * 64, 0, 2010), -1, 1);
    }

    [Fact]
    public void Restart_takes_the_phase_of_the_next_event_and_keeps_the_rate()
    {
        var dll = new DelayLockedLoop(Rate, 0.05, Ns);
        for (long k = 0; k < 750 * 10; k++)
        {
            dll.Update(At(k * 64, -150), k * 64);
        }

        double drift = dll.Drift;
        dll.Restart();
        long t = At(20_000_000, -150, 3.3);
        Assert.True(dll.Update(t, 7)); // a new session: any phase, any count
        Assert.Equal(drift, dll.Drift);
        Assert.Equal(7, dll.Frames);
        Assert.InRange(dll.TicksAt(7) - t, -1, 1);
        Assert.InRange(dll.FramesAt(t + (Ns / 10)), 7 + 4799, 7 + 4801);
    }
}
