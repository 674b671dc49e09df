namespace SyfalaGraph.Abstractions.Rings;

/// <summary>The writing half of a <see cref="SpscRing{T}"/>. One thread at a time. All members: audio thread yes.</summary>
/// <typeparam name="T">Item type.</typeparam>
public sealed class RingProducer<T>
    where T : unmanaged
{
    private readonly SpscRing<T> _ring;
    private long _tail;
    private long _cachedHead;
    private long _overflows;

    internal RingProducer(SpscRing<T> ring) => _ring = ring;

    /// <summary>Capacity in items.</summary>
    public int Capacity => _ring.Buffer.Length;

    /// <summary>Items that can be written now (may grow concurrently as the consumer reads).</summary>
    public int AvailableToWrite => _ring.Buffer.Length - (int)(_tail - Volatile.Read(ref _ring.Head.Value));

    /// <summary>Failed <see cref="TryWrite"/> calls so far. Any thread may read it.</summary>
    public long Overflows => Volatile.Read(ref _overflows);

    /// <summary>Items written since creation.</summary>
    public long TotalWritten => _tail;

    /// <summary>Writes all of <paramref name="items"/>, or nothing (counting an overflow) when there is not room for all.</summary>
    public bool TryWrite(ReadOnlySpan<T> items)
    {
        if (!HasRoom(items.Length))
        {
            Volatile.Write(ref _overflows, _overflows + 1);
            return false;
        }

        GetWriteSpans(items.Length, out Span<T> first, out Span<T> second);
        items[..first.Length].CopyTo(first);
        items[first.Length..].CopyTo(second);
        Commit(items.Length);
        return true;
    }

    /// <summary>Writes as many of <paramref name="items"/> as fit; returns how many.</summary>
    public int Write(ReadOnlySpan<T> items)
    {
        int n = Math.Min(items.Length, RefreshRoom());
        if (n > 0)
        {
            GetWriteSpans(n, out Span<T> first, out Span<T> second);
            items[..first.Length].CopyTo(first);
            items[first.Length..n].CopyTo(second);
            Commit(n);
        }

        return n;
    }

    /// <summary>
    /// Reserves <paramref name="count"/> items for writing in place (zero copy): fill
    /// <paramref name="first"/> then <paramref name="second"/> (the part after the wrap, possibly empty),
    /// then call <see cref="Commit"/>. Returns false (nothing reserved, an overflow counted) when there is not room.
    /// </summary>
    public bool TryBeginWrite(int count, out Span<T> first, out Span<T> second)
    {
        if (!HasRoom(count))
        {
            Volatile.Write(ref _overflows, _overflows + 1);
            first = second = default;
            return false;
        }

        GetWriteSpans(count, out first, out second);
        return true;
    }

    /// <summary>Publishes <paramref name="count"/> items written in place to the consumer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than there is room for (a programming error).</exception>
    public void Commit(int count)
    {
        // Checked against the cached head (never ahead of the real one): no shared cache line is touched here.
        if ((uint)count > (uint)(_ring.Buffer.Length - (_tail - _cachedHead)))
        {
            ThrowCount();
        }

        _tail += count;
        Volatile.Write(ref _ring.Tail.Value, _tail); // release: data before index
    }

    private static void ThrowCount() =>
        throw new ArgumentOutOfRangeException("count", "Cannot commit a negative count or more items than there is room for.");

    private int RefreshRoom()
    {
        _cachedHead = Volatile.Read(ref _ring.Head.Value);
        return _ring.Buffer.Length - (int)(_tail - _cachedHead);
    }

    private bool HasRoom(int count)
    {
        int capacity = _ring.Buffer.Length;
        if (capacity - (_tail - _cachedHead) >= count)
        {
            return true;
        }

        _cachedHead = Volatile.Read(ref _ring.Head.Value); // acquire: consumer finished reading those slots
        return capacity - (_tail - _cachedHead) >= count;
    }

    private void GetWriteSpans(int count, out Span<T> first, out Span<T> second)
    {
        T[] buffer = _ring.Buffer;
        int start = (int)(_tail & _ring.Mask);
        int firstLength = Math.Min(count, buffer.Length - start);
        first = buffer.AsSpan(start, firstLength);
        second = buffer.AsSpan(0, count - firstLength);
    }
}
