using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;

namespace SyfalaGraph.Plugins.Syfala.Tests.Audio;

/// <summary>The jitter buffer's priming, underflow concealment and reset.</summary>
public sealed class ReceiveBufferTests
{
    [Fact]
    public void Playback_starts_at_the_target_fill_and_an_underflow_is_silence_then_reprimes()
    {
        var buffer = new ReceiveBuffer(1, targetFrames: 100, maxBlockFrames: 32);
        var block = new AudioBuffer(1, 32);
        buffer.Write(Enumerable.Range(1, 99).Select(i => (float)i).ToArray());
        buffer.Read(block, 32);
        Assert.All(block.Samples, s => Assert.Equal(0f, s));
        Assert.False(buffer.IsPlaying);
        buffer.Write([100f]);
        buffer.Read(block, 32);
        Assert.True(buffer.IsPlaying);
        Assert.Equal(Enumerable.Range(1, 32).Select(i => (float)i), block.Samples);
        buffer.Read(block, 32);
        buffer.Read(block, 32);
        buffer.Read(block, 32); // 4 frames left: 97..100 then silence
        Assert.Equal([97f, 98f, 99f, 100f], block.Samples[..4]);
        Assert.All(block.Samples[4..], s => Assert.Equal(0f, s));
        Assert.Equal(1, buffer.Underflows);
        Assert.Equal(28, buffer.ConcealedFrames);
        Assert.False(buffer.IsPlaying);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_block_of_silence_after_the_audio_stopped_arriving_counts_as_starved(bool driftCompensation)
    {
        // A stream whose datagrams stopped being accepted (a muted session): one underflow, then silence for good.
        // Underflows counts the dropout once; StarvedBlocks counts each block it lasts, until a reset ends it.
        var buffer = new ReceiveBuffer(1, targetFrames: 256, maxBlockFrames: 64, 48_000, driftCompensation);
        var block = new AudioBuffer(1, 64);
        var period = new float[64];
        period.AsSpan().Fill(0.5f);
        for (int i = 0; i < 8; i++)
        {
            buffer.Read(block, 64); // priming at the start: silence, not starvation
        }

        Assert.Equal(0, buffer.StarvedBlocks);
        int played = 0;
        for (int i = 0; i < 200; i++)
        {
            buffer.Write(period);
            buffer.Read(block, 64);
            played += buffer.IsPlaying ? 1 : 0;
        }

        Assert.True(played > 150, $"{played} blocks played");
        Assert.Equal(0, buffer.Underflows + buffer.StarvedBlocks);
        int silent = 0;
        for (int i = 0; i < 750; i++)
        {
            buffer.Read(block, 64); // 1 s with nothing arriving
            silent += block.Samples.All(s => s == 0f) ? 1 : 0;
        }

        Assert.Equal(1, buffer.Underflows);
        Assert.InRange(silent, 740, 750); // what was buffered plays out first
        Assert.InRange(buffer.StarvedBlocks, silent, silent + 1); // + the read that underflowed, if it played some audio
        long starved = buffer.StarvedBlocks;
        buffer.RequestReset(); // the session ends: silence from now on is not for want of audio
        for (int i = 0; i < 100; i++)
        {
            buffer.Read(block, 64);
        }

        Assert.Equal(starved, buffer.StarvedBlocks);
    }

    [Fact]
    public void Reset_discards_what_is_buffered()
    {
        var buffer = new ReceiveBuffer(2, targetFrames: 4, maxBlockFrames: 8);
        var block = new AudioBuffer(2, 8);
        buffer.Write(new float[32]);
        buffer.RequestReset();
        buffer.Read(block, 8);
        Assert.Equal(0, buffer.FillFrames);
        Assert.False(buffer.IsPlaying);
    }

    [Fact]
    public void A_producer_reset_discards_only_what_was_written_before_it()
    {
        var buffer = new ReceiveBuffer(1, targetFrames: 3, maxBlockFrames: 4);
        var block = new AudioBuffer(1, 4);
        buffer.Write([9f, 9f, 9f, 9f, 9f, 9f]);     // the old session
        buffer.ResetFromProducer();
        buffer.Write([1f, 2f, 3f, 4f]);             // the new one, already there when the audio thread notices
        buffer.Read(block, 4);
        Assert.Equal([1f, 2f, 3f, 4f], block.Samples);
    }

    [Fact]
    public void Overflow_drops_whole_frames_and_counts_them()
    {
        var buffer = new ReceiveBuffer(3, targetFrames: 1, maxBlockFrames: 1);
        var frames = new float[3 * 20_000];
        buffer.Write(frames);
        Assert.True(buffer.OverflowFrames > 0);
        Assert.Equal(20_000, buffer.FillFrames + buffer.OverflowFrames);
    }

    [Fact]
    public void Without_drift_compensation_a_lasting_surplus_is_dropped_once_and_the_fill_returns_to_the_target()
    {
        var buffer = new ReceiveBuffer(1, targetFrames: 64, maxBlockFrames: 64);
        var block = new AudioBuffer(1, 64);
        var period = new float[64];
        buffer.Write(new float[64 * 10]); // a start-up burst: 10 blocks where 1 was wanted
        for (int i = 0; i < 2 * 48_000 / 64; i++)
        {
            buffer.Write(period);
            buffer.Read(block, 64);
        }

        // The target (64) is the fill a read starts from: with a one-block target a read leaves nothing behind, so
        // the whole burst is surplus, and the blocks then play as they arrive.
        Assert.InRange(buffer.FillFrames, 0, 64);
        Assert.InRange(buffer.SkippedFrames, 64 * 9, 64 * 10);
        Assert.Equal(0, buffer.Underflows);
    }

    [Fact]
    public void A_surplus_that_comes_and_goes_with_jitter_is_kept()
    {
        var buffer = new ReceiveBuffer(1, targetFrames: 128, maxBlockFrames: 64);
        var block = new AudioBuffer(1, 64);
        var period = new float[64];
        buffer.Write(new float[64]);
        for (int i = 0; i < 3 * 48_000 / 64; i++)
        {
            // Arrivals in bursts of three blocks every third period: the fill a read starts from swings between 320
            // and 128, its minimum stays at the target (a read leaves 64: the one block of margin asked for).
            if (i % 3 == 0)
            {
                buffer.Write(period);
                buffer.Write(period);
                buffer.Write(period);
            }

            buffer.Read(block, 64);
        }

        Assert.Equal(0, buffer.SkippedFrames);
        Assert.Equal(0, buffer.Underflows);
    }

    [Fact]
    public void With_a_one_block_target_a_block_that_was_always_one_period_early_is_dropped_once()
    {
        // Steady arrivals one block ahead of the reads (e.g. left by a start-up): one block of latency that no jitter
        // needs. It goes after about a second; a two-block target would keep it as its margin.
        var tight = new ReceiveBuffer(1, targetFrames: 64, maxBlockFrames: 64);
        var roomy = new ReceiveBuffer(1, targetFrames: 128, maxBlockFrames: 64);
        var block = new AudioBuffer(1, 64);
        var period = new float[64];
        tight.Write(period);
        roomy.Write(period);
        for (int i = 0; i < 2 * 48_000 / 64; i++)
        {
            tight.Write(period);
            tight.Read(block, 64);
            roomy.Write(period);
            roomy.Read(block, 64);
        }

        Assert.Equal(64, tight.SkippedFrames);
        Assert.Equal(0, tight.FillFrames);
        Assert.Equal(0, roomy.SkippedFrames);
        Assert.Equal(64, roomy.FillFrames);
        Assert.Equal(0, tight.Underflows + roomy.Underflows);
    }

    [Fact]
    public void A_driver_is_signalled_only_once_a_block_has_arrived()
    {
        var buffer = new ReceiveBuffer(2, targetFrames: 64, maxBlockFrames: 64);
        using var arrived = new WakeSignal();
        buffer.Arrived = arrived;
        buffer.ArrivedThresholdFrames = 64;
        buffer.Write(new float[2 * 40]);
        Assert.False(arrived.Wait(0));
        buffer.Write(new float[2 * 24]);
        Assert.True(arrived.Wait(0));
        Assert.False(arrived.Wait(0)); // a wake-up is consumed by the wait that saw it
    }
}
