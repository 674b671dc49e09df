using SyfalaGraph.Abstractions.Parameters;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary><see cref="ParameterMailbox{T}"/>: a single slot where the latest post wins.</summary>
public sealed class ParameterMailboxTests
{
    private sealed record Gain(long Sequence);

    [Fact]
    public void An_empty_mailbox_has_nothing_to_take()
    {
        var mailbox = new ParameterMailbox<Gain>();
        Assert.False(mailbox.TryTake(out Gain? value));
        Assert.Null(value);
    }

    [Fact]
    public void The_latest_post_wins_over_untaken_ones()
    {
        var mailbox = new ParameterMailbox<Gain>();
        var third = new Gain(3);
        mailbox.Post(new Gain(1));
        mailbox.Post(new Gain(2));
        mailbox.Post(third);

        Assert.True(mailbox.TryTake(out Gain? value));
        Assert.Same(third, value);
    }

    [Fact]
    public void TryTake_empties_the_mailbox()
    {
        var mailbox = new ParameterMailbox<Gain>();
        mailbox.Post(new Gain(1));
        Assert.True(mailbox.TryTake(out _));

        Assert.False(mailbox.TryTake(out Gain? again));
        Assert.Null(again);

        mailbox.Post(new Gain(2));
        Assert.True(mailbox.TryTake(out Gain? next));
        Assert.Equal(2, next.Sequence);
    }

    [Fact]
    public void Concurrent_posts_and_takes_never_go_backwards_and_never_lose_the_final_value()
    {
        const long Posts = 300_000;
        var mailbox = new ParameterMailbox<Gain>();
        long lastTaken = 0;
        long takes = 0;
        bool posterDone = false;
        string? error = null;

        var poster = new Thread(() =>
        {
            for (long i = 1; i <= Posts; i++)
            {
                mailbox.Post(new Gain(i));
            }

            Volatile.Write(ref posterDone, true);
        })
        { IsBackground = true, Name = "mailbox poster" };

        var taker = new Thread(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < deadline)
            {
                bool done = Volatile.Read(ref posterDone);
                if (mailbox.TryTake(out Gain? value))
                {
                    takes++;
                    if (value.Sequence <= lastTaken)
                    {
                        error = $"took {value.Sequence} after {lastTaken}";
                        return;
                    }

                    lastTaken = value.Sequence;
                }
                else if (done)
                {
                    return; // the poster finished before this empty take: nothing can still be in flight
                }
            }

            error = "taker timed out";
        })
        { IsBackground = true, Name = "mailbox taker" };

        poster.Start();
        taker.Start();
        Assert.True(poster.Join(TimeSpan.FromSeconds(6)), "poster did not finish");
        Assert.True(taker.Join(TimeSpan.FromSeconds(6)), "taker did not finish");

        Assert.Null(error);
        Assert.Equal(Posts, lastTaken);
        Assert.True(takes >= 1);
        Assert.False(mailbox.TryTake(out _));
    }

    [Fact]
    public void TryTake_allocates_nothing()
    {
        var mailbox = new ParameterMailbox<Gain>();
        var posted = new Gain(1);
        int taken = 0;
        for (int i = 0; i < 1_000; i++)
        {
            mailbox.Post(posted);
            taken += mailbox.TryTake(out _) ? 1 : 0;
            taken += mailbox.TryTake(out _) ? 1 : 0;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            mailbox.Post(posted); // the value already exists: posting it swaps a reference
            taken += mailbox.TryTake(out _) ? 1 : 0;
            taken += mailbox.TryTake(out _) ? 1 : 0; // empty
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(101_000, taken);
    }
}
