using System.Diagnostics;
using SyfalaGraph.Abstractions.Rings;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary>
/// Two real threads on one ring: every item the producer commits reaches the consumer once, in order.
/// Each side mixes the copying and the zero-copy APIs and uses random chunk sizes so that every wrap
/// position and every full/empty race is visited. Both threads are bounded in time.
/// </summary>
public sealed class SpscRingStressTests
{
    private static readonly TimeSpan ProduceFor = TimeSpan.FromSeconds(1.2);
    private static readonly TimeSpan ConsumerDeadline = TimeSpan.FromSeconds(6);
    private const long MaxItems = 30_000_000;

    [Theory]
    [InlineData(64, 100)]   // chunks larger than the ring: TryWrite of > capacity must keep failing, Write splits
    [InlineData(1024, 700)]
    public void Producer_and_consumer_threads_move_a_monotonic_sequence_with_no_gap_or_duplicate(int capacity, int maxChunk)
    {
        (RingProducer<long> producer, RingConsumer<long> consumer) = SpscRing.Create<long>(capacity);
        long produced = -1; // published by the producer when it stops
        long consumed = 0;
        string? producerError = null, consumerError = null;

        var producerThread = new Thread(() =>
        {
            try
            {
                var rng = new Random(12345);
                var chunk = new long[maxChunk];
                long next = 0;
                var clock = Stopwatch.StartNew();
                while (next < MaxItems && clock.Elapsed < ProduceFor)
                {
                    int n = rng.Next(1, maxChunk + 1);
                    switch (rng.Next(3))
                    {
                        case 0: // all or nothing; give up on this chunk size when the ring is full
                            for (int i = 0; i < n; i++)
                            {
                                chunk[i] = next + i;
                            }

                            if (producer.TryWrite(chunk.AsSpan(0, n)))
                            {
                                next += n;
                            }
                            else
                            {
                                Thread.Yield(); // the other side may share this core (CI machines are oversubscribed)
                            }

                            break;
                        case 1: // partial
                            for (int i = 0; i < n; i++)
                            {
                                chunk[i] = next + i;
                            }

                            int written = producer.Write(chunk.AsSpan(0, n));
                            next += written;
                            if (written == 0)
                            {
                                Thread.Yield();
                            }

                            break;
                        default: // zero copy
                            if (producer.TryBeginWrite(n, out Span<long> first, out Span<long> second))
                            {
                                for (int i = 0; i < first.Length; i++)
                                {
                                    first[i] = next + i;
                                }

                                for (int i = 0; i < second.Length; i++)
                                {
                                    second[i] = next + first.Length + i;
                                }

                                producer.Commit(n);
                                next += n;
                            }
                            else
                            {
                                Thread.Yield(); // the other side may share this core (CI machines are oversubscribed)
                            }

                            break;
                    }
                }

                Volatile.Write(ref produced, next);
            }
            catch (Exception e)
            {
                producerError = e.ToString();
                Volatile.Write(ref produced, long.MinValue);
            }
        })
        { IsBackground = true, Name = "ring producer" };

        var consumerThread = new Thread(() =>
        {
            try
            {
                var rng = new Random(54321);
                var chunk = new long[maxChunk];
                long expected = 0;
                var clock = Stopwatch.StartNew();
                while (true)
                {
                    long done = Volatile.Read(ref produced); // read before draining: if set, all its items are committed
                    int n = rng.Next(1, maxChunk + 1);
                    int got = 0;
                    switch (rng.Next(3))
                    {
                        case 0:
                            if (consumer.TryRead(chunk.AsSpan(0, n)))
                            {
                                got = n;
                                Check(chunk.AsSpan(0, n), ref expected);
                            }

                            break;
                        case 1:
                            got = consumer.Read(chunk.AsSpan(0, n));
                            Check(chunk.AsSpan(0, got), ref expected);
                            break;
                        default:
                            if (consumer.TryBeginRead(n, out ReadOnlySpan<long> first, out ReadOnlySpan<long> second))
                            {
                                Check(first, ref expected);
                                Check(second, ref expected);
                                consumer.Release(n);
                                got = n;
                            }

                            break;
                    }

                    if (got == 0)
                    {
                        if (done == long.MinValue)
                        {
                            return; // the producer failed; its error is reported
                        }

                        if (done >= 0 && expected == done)
                        {
                            Assert.Equal(0, consumer.AvailableToRead);
                            break;
                        }

                        if (clock.Elapsed > ConsumerDeadline)
                        {
                            throw new TimeoutException($"consumer stuck at {expected} (producer done: {done})");
                        }

                        Thread.Yield(); // the other side may share this core (CI machines are oversubscribed)
                    }
                }

                Volatile.Write(ref consumed, expected);
            }
            catch (Exception e)
            {
                consumerError = e.ToString();
            }
        })
        { IsBackground = true, Name = "ring consumer" };

        producerThread.Start();
        consumerThread.Start();
        Assert.True(producerThread.Join(ConsumerDeadline + TimeSpan.FromSeconds(1)), "producer thread did not finish");
        Assert.True(consumerThread.Join(ConsumerDeadline + TimeSpan.FromSeconds(1)), "consumer thread did not finish");

        Assert.Null(producerError);
        Assert.Null(consumerError);
        long total = Volatile.Read(ref produced);
        TestContext.Current.TestOutputHelper?.WriteLine($"{total:N0} items moved; {producer.Overflows:N0} overflows, {consumer.Underflows:N0} underflows");
        // Enough to wrap the ring many times even on a loaded machine (an idle one moves millions).
        Assert.True(total >= 8L * producer.Capacity, $"only {total} items moved");
        Assert.Equal(total, Volatile.Read(ref consumed));
        Assert.Equal(total, producer.TotalWritten);
        Assert.Equal(total, consumer.TotalRead);
    }

    private static void Check(ReadOnlySpan<long> items, ref long expected)
    {
        foreach (long item in items)
        {
            if (item != expected)
            {
                throw new InvalidOperationException($"expected {expected}, read {item} ({(item < expected ? "duplicate" : "gap")})");
            }

            expected++;
        }
    }
}
