using SyfalaGraph.Dsp.JitterBuffers;

namespace SyfalaGraph.Dsp.Tests.JitterBuffers;

public sealed class InterarrivalJitterTests
{
    private const double Period = 64 / 48000.0;

    [Fact]
    public void Packets_on_time_have_no_jitter_whatever_the_clock_offset()
    {
        var j = new InterarrivalJitter();
        for (int i = 0; i < 1000; i++)
        {
            j.Update(12345.678 + (i * Period), i * Period);
        }

        Assert.Equal(0, j.Seconds, 12);
    }

    [Fact]
    public void Transit_times_alternating_by_d_converge_to_d_with_the_rfc_3550_gain_of_one_sixteenth()
    {
        const double d = 0.002;
        var j = new InterarrivalJitter();
        Assert.Equal(0, j.Update(0, 0));
        Assert.Equal(d / 16, j.Update(Period + d, Period), 12); // first pair: J = |D| / 16
        for (int i = 2; i < 400; i++)
        {
            j.Update((i * Period) + (i % 2 == 1 ? d : 0), i * Period);
        }

        Assert.Equal(d, j.Seconds, 9);
    }

    [Fact]
    public void Restart_keeps_the_estimate_but_does_not_count_a_media_time_jump_as_jitter()
    {
        var j = new InterarrivalJitter();
        j.Update(0, 0);
        j.Update(Period + 0.001, Period);
        double before = j.Seconds;
        j.Restart();
        j.Update(2 * Period, 1000.0); // a resync: the media time jumped
        Assert.Equal(before, j.Seconds);
        j.Update(3 * Period, 1000.0 + Period);
        Assert.Equal(before * 15 / 16, j.Seconds, 12);

        j.Reset();
        Assert.Equal(0, j.Seconds);
        Assert.Equal(0, j.Update(5, 5));
    }
}
