using SyfalaGraph.Abstractions.Rings;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary>Single-threaded specification of <see cref="SpscRing"/>, <see cref="RingProducer{T}"/> and <see cref="RingConsumer{T}"/>.</summary>
public sealed class SpscRingTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 8)]
    [InlineData(8, 8)]
    [InlineData(9, 16)]
    [InlineData(1000, 1024)]
    [InlineData(1024, 1024)]
    [InlineData(65_537, 131_072)]
    public void Capacity_is_rounded_up_to_a_power_of_two(int requested, int expected)
    {
        (RingProducer<byte> producer, RingConsumer<byte> consumer) = SpscRing.Create<byte>(requested);

        Assert.Equal(expected, producer.Capacity);
        Assert.Equal(expected, consumer.Capacity);
        Assert.Equal(expected, producer.AvailableToWrite);
        Assert.Equal(0, consumer.AvailableToRead);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData((1 << 30) + 1)]
    [InlineData(int.MaxValue)]
    public void Capacity_below_1_or_above_2_pow_30_is_rejected(int requested) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SpscRing.Create<byte>(requested));

    [Fact]
    public void A_full_ring_holds_exactly_capacity_items_with_no_spare_slot()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);

        Assert.True(producer.TryWrite(Seq(0, 8)));
        Assert.Equal(0, producer.AvailableToWrite);
        Assert.Equal(8, consumer.AvailableToRead);

        var read = new int[8];
        Assert.True(consumer.TryRead(read));
        Assert.Equal(Seq(0, 8), read);
    }

    [Fact]
    public void TryWrite_is_all_or_nothing_and_counts_each_overflow()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Assert.True(producer.TryWrite(Seq(0, 5)));

        Assert.False(producer.TryWrite(Seq(100, 4))); // 3 free, 4 asked: nothing written
        Assert.Equal(1, producer.Overflows);
        Assert.Equal(5, producer.TotalWritten);
        Assert.Equal(5, consumer.AvailableToRead);

        Assert.False(producer.TryWrite(Seq(100, 9))); // more than the capacity
        Assert.Equal(2, producer.Overflows);

        Assert.True(producer.TryWrite(Seq(5, 3))); // exactly fills
        Assert.Equal(2, producer.Overflows);
        Assert.False(producer.TryWrite(Seq(100, 1)));
        Assert.Equal(3, producer.Overflows);

        var read = new int[8];
        Assert.True(consumer.TryRead(read));
        Assert.Equal(Seq(0, 8), read); // the failed writes left no trace
        Assert.Equal(0, consumer.Underflows);
    }

    [Fact]
    public void TryRead_is_all_or_nothing_and_counts_each_underflow()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        var read = new int[4];
        Array.Fill(read, -1);

        Assert.False(consumer.TryRead(read)); // empty
        Assert.Equal(1, consumer.Underflows);

        Assert.True(producer.TryWrite(Seq(0, 3)));
        Assert.False(consumer.TryRead(read)); // 3 available, 4 asked
        Assert.Equal(2, consumer.Underflows);
        Assert.Equal([-1, -1, -1, -1], read); // destination untouched
        Assert.Equal(3, consumer.AvailableToRead);
        Assert.Equal(0, consumer.TotalRead);

        Assert.True(consumer.TryRead(read.AsSpan(0, 3)));
        Assert.Equal([0, 1, 2, -1], read);
        Assert.Equal(2, consumer.Underflows);
        Assert.Equal(0, producer.Overflows);
    }

    [Fact]
    public void Empty_TryWrite_and_TryRead_succeed_and_count_nothing()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(4);
        Assert.True(producer.TryWrite([]));
        Assert.True(consumer.TryRead([]));
        Assert.Equal(0, producer.Overflows);
        Assert.Equal(0, consumer.Underflows);
    }

    [Fact]
    public void Write_writes_as_many_as_fit_and_counts_no_overflow()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Assert.Equal(5, producer.Write(Seq(0, 5)));
        Assert.Equal(3, producer.Write(Seq(5, 10))); // only 3 fit
        Assert.Equal(0, producer.Write(Seq(100, 1)));
        Assert.Equal(0, producer.Overflows);
        Assert.Equal(8, producer.TotalWritten);

        var read = new int[8];
        Assert.True(consumer.TryRead(read));
        Assert.Equal(Seq(0, 8), read);
    }

    [Fact]
    public void Read_reads_as_many_as_are_available_and_counts_no_underflow()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        var read = new int[6];
        Assert.Equal(0, consumer.Read(read));

        Assert.True(producer.TryWrite(Seq(0, 4)));
        Assert.Equal(4, consumer.Read(read));
        Assert.Equal(Seq(0, 4), read[..4]);
        Assert.Equal(0, consumer.Underflows);
        Assert.Equal(4, consumer.TotalRead);
        Assert.Equal(8, producer.AvailableToWrite);
    }

    [Fact]
    public void Items_survive_the_wrap_for_every_capacity_start_offset_and_length()
    {
        foreach (int capacity in new[] { 1, 2, 4, 8, 16, 32 })
        {
            for (int offset = 0; offset < capacity * 2; offset++)
            {
                for (int length = 1; length <= capacity; length++)
                {
                    (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(capacity);
                    Advance(producer, consumer, offset);

                    int[] items = Seq(1000 + offset, length);
                    Assert.True(producer.TryWrite(items), $"cap {capacity} offset {offset} len {length}");
                    Assert.Equal(length, consumer.AvailableToRead);
                    Assert.Equal(capacity - length, producer.AvailableToWrite);

                    var read = new int[length];
                    Assert.True(consumer.TryRead(read));
                    Assert.Equal(items, read);
                    Assert.Equal(0, consumer.AvailableToRead);
                }
            }
        }
    }

    [Fact]
    public void Partial_Write_and_Read_keep_order_across_many_wraps()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(16);
        var rng = new Random(42);
        int nextWrite = 0, nextRead = 0;
        var scratch = new int[40];
        for (int step = 0; step < 5_000; step++)
        {
            int w = rng.Next(0, 25);
            nextWrite += producer.Write(Seq(nextWrite, w));
            int r = consumer.Read(scratch.AsSpan(0, rng.Next(0, 25)));
            for (int i = 0; i < r; i++)
            {
                Assert.Equal(nextRead++, scratch[i]);
            }

            Assert.Equal(nextWrite - nextRead, consumer.AvailableToRead);
        }

        Assert.Equal(nextWrite, producer.TotalWritten);
        Assert.Equal(nextRead, consumer.TotalRead);
        Assert.True(nextRead > 10_000);
    }

    [Fact]
    public void TryBeginWrite_exposes_the_free_slots_split_at_the_wrap_and_Commit_publishes_them()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Advance(producer, consumer, 6); // write position 6 of 8

        Assert.True(producer.TryBeginWrite(5, out Span<int> first, out Span<int> second));
        Assert.Equal(2, first.Length);  // slots 6, 7
        Assert.Equal(3, second.Length); // slots 0, 1, 2
        first[0] = 10;
        first[1] = 11;
        second[0] = 12;
        second[1] = 13;
        second[2] = 14;

        Assert.Equal(0, consumer.AvailableToRead); // nothing visible before Commit
        producer.Commit(5);
        Assert.Equal(5, consumer.AvailableToRead);

        var read = new int[5];
        Assert.True(consumer.TryRead(read));
        Assert.Equal([10, 11, 12, 13, 14], read);
    }

    [Fact]
    public void TryBeginWrite_without_the_wrap_leaves_the_second_span_empty()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Advance(producer, consumer, 2);
        Assert.True(producer.TryBeginWrite(6, out Span<int> first, out Span<int> second));
        Assert.Equal(6, first.Length);
        Assert.True(second.IsEmpty);
    }

    [Fact]
    public void TryBeginWrite_without_room_reserves_nothing_and_counts_an_overflow()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Assert.True(producer.TryWrite(Seq(0, 6)));

        Assert.False(producer.TryBeginWrite(3, out Span<int> first, out Span<int> second));
        Assert.True(first.IsEmpty);
        Assert.True(second.IsEmpty);
        Assert.Equal(1, producer.Overflows);
        Assert.Equal(6, producer.TotalWritten);
        Assert.Equal(6, consumer.AvailableToRead);
    }

    [Fact]
    public void A_partial_Commit_publishes_only_what_was_committed()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Assert.True(producer.TryBeginWrite(6, out Span<int> first, out _));
        first[0] = 7;
        first[1] = 8;
        producer.Commit(2);

        Assert.Equal(2, consumer.AvailableToRead);
        Assert.True(producer.TryWrite([9]));
        var read = new int[3];
        Assert.True(consumer.TryRead(read));
        Assert.Equal([7, 8, 9], read);
    }

    [Fact]
    public void TryBeginRead_exposes_items_in_place_split_at_the_wrap_and_Release_frees_them()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Advance(producer, consumer, 5); // read position 5 of 8
        Assert.True(producer.TryWrite([20, 21, 22, 23, 24, 25]));

        Assert.True(consumer.TryBeginRead(6, out ReadOnlySpan<int> first, out ReadOnlySpan<int> second));
        Assert.Equal([20, 21, 22], first.ToArray());
        Assert.Equal([23, 24, 25], second.ToArray());

        Assert.Equal(2, producer.AvailableToWrite); // nothing freed before Release
        Assert.Equal(6, consumer.AvailableToRead);  // TryBeginRead does not consume
        consumer.Release(6);
        Assert.Equal(8, producer.AvailableToWrite);
        Assert.Equal(0, consumer.AvailableToRead);
        Assert.Equal(11, consumer.TotalRead);
    }

    [Fact]
    public void TryBeginRead_with_too_few_items_exposes_nothing_and_counts_an_underflow()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Assert.True(producer.TryWrite([1, 2]));

        Assert.False(consumer.TryBeginRead(3, out ReadOnlySpan<int> first, out ReadOnlySpan<int> second));
        Assert.True(first.IsEmpty);
        Assert.True(second.IsEmpty);
        Assert.Equal(1, consumer.Underflows);
        Assert.Equal(2, consumer.AvailableToRead);
    }

    [Fact]
    public void Zero_copy_write_then_zero_copy_read_round_trips_across_every_wrap_position()
    {
        const int Capacity = 16;
        for (int offset = 0; offset < Capacity; offset++)
        {
            for (int length = 1; length <= Capacity; length++)
            {
                (RingProducer<long> producer, RingConsumer<long> consumer) = SpscRing.Create<long>(Capacity);
                Advance(producer, consumer, offset);

                Assert.True(producer.TryBeginWrite(length, out Span<long> wFirst, out Span<long> wSecond));
                Assert.Equal(Math.Min(length, Capacity - offset), wFirst.Length);
                Assert.Equal(length, wFirst.Length + wSecond.Length);
                for (int i = 0; i < length; i++)
                {
                    (i < wFirst.Length ? ref wFirst[i] : ref wSecond[i - wFirst.Length]) = 500 + i;
                }

                producer.Commit(length);

                Assert.True(consumer.TryBeginRead(length, out ReadOnlySpan<long> rFirst, out ReadOnlySpan<long> rSecond));
                Assert.Equal(wFirst.Length, rFirst.Length);
                long[] all = [.. rFirst, .. rSecond];
                Assert.Equal(Enumerable.Range(500, length).Select(i => (long)i), all);
                consumer.Release(length);
                Assert.Equal(Capacity, producer.AvailableToWrite);
            }
        }
    }

    [Fact]
    public void Skip_discards_up_to_the_available_items_and_returns_how_many()
    {
        (RingProducer<int> producer, RingConsumer<int> consumer) = SpscRing.Create<int>(8);
        Assert.Equal(0, consumer.Skip(3));
        Assert.True(producer.TryWrite(Seq(0, 6)));

        Assert.Equal(2, consumer.Skip(2));
        Assert.Equal(4, consumer.AvailableToRead);
        Assert.Equal(2, consumer.TotalRead);
        Assert.Equal(4, producer.AvailableToWrite);

        Assert.Equal(4, consumer.Skip(100));
        Assert.Equal(0, consumer.AvailableToRead);
        Assert.Equal(0, consumer.Underflows);

        Assert.True(producer.TryWrite(Seq(6, 3))); // wraps
        var read = new int[3];
        Assert.True(consumer.TryRead(read));
        Assert.Equal(Seq(6, 3), read);
    }

    [Fact]
    public void Struct_items_are_copied_whole()
    {
        (RingProducer<(int A, double B)> producer, RingConsumer<(int A, double B)> consumer) = SpscRing.Create<(int, double)>(4);
        Advance(producer, consumer, 3);
        Assert.True(producer.TryWrite([(1, 1.5), (2, 2.5)]));
        var read = new (int, double)[2];
        Assert.True(consumer.TryRead(read));
        Assert.Equal([(1, 1.5), (2, 2.5)], read);
    }

    /// <summary>Moves both positions forward by <paramref name="count"/> (≤ any size) so the next operation starts there.</summary>
    internal static void Advance<T>(RingProducer<T> producer, RingConsumer<T> consumer, int count)
        where T : unmanaged
    {
        while (count > 0)
        {
            int n = Math.Min(count, producer.Capacity);
            Assert.True(producer.TryWrite(new T[n]));
            Assert.Equal(n, consumer.Skip(n));
            count -= n;
        }
    }

    private static int[] Seq(int start, int count) => Enumerable.Range(start, count).ToArray();
}
