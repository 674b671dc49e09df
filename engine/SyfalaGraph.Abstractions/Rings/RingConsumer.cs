namespace SyfalaGraph.Abstractions.Rings;

/// <summary>The reading half of a <see cref="SpscRing{T}"/>. One thread at a time. All members: audio thread yes.</summary>
/// <typeparam name="T">Item type.</typeparam>
public sealed class RingConsumer<T>
    where T : unmanaged
{
    private readonly SpscRing<T> _ring;
    private long _head;
    private long _cachedTail;
    private long _underflows;

    internal RingConsumer(SpscRing<T> ring) => _ring = ring;

    /// <summary>Capacity in items.</summary>
    public int Capacity => _ring.Buffer.Length;

    /// <summary>Items that can be read now (may grow concurrently as the producer writes).</summary>
    public int AvailableToRead => (int)(Volatile.Read(ref _ring.Tail.Value) - _head);

    /// <summary>Failed <see cref="TryRead"/> calls so far. Any thread may read it.</summary>
    public long Underflows => Volatile.Read(ref _underflows);

    /// <summary>Items read (or skipped) since creation.</summary>
    public long TotalRead => _head;

    /// <summary>Reads exactly <paramref name="destination"/>.Length items, or nothing (counting an underflow) when fewer are available.</summary>
    public bool TryRead(Span<T> destination)
    {
        if (!HasData(destination.Length))
        {
            Volatile.Write(ref _underflows, _underflows + 1);
            return false;
        }

        GetReadSpans(destination.Length, out ReadOnlySpan<T> first, out ReadOnlySpan<T> second);
        first.CopyTo(destination);
        second.CopyTo(destination[first.Length..]);
        Release(destination.Length);
        return true;
    }

    /// <summary>Reads as many items as are available, up to <paramref name="destination"/>.Length; returns how many.</summary>
    public int Read(Span<T> destination)
    {
        int n = Math.Min(destination.Length, RefreshAvailable());
        if (n > 0)
        {
            GetReadSpans(n, out ReadOnlySpan<T> first, out ReadOnlySpan<T> second);
            first.CopyTo(destination);
            second.CopyTo(destination[first.Length..]);
            Release(n);
        }

        return n;
    }

    /// <summary>
    /// Exposes <paramref name="count"/> readable items in place (zero copy): <paramref name="first"/> then
    /// <paramref name="second"/> (after the wrap, possibly empty); call <see cref="Release"/> when done.
    /// Returns false (an underflow counted) when fewer are available.
    /// </summary>
    public bool TryBeginRead(int count, out ReadOnlySpan<T> first, out ReadOnlySpan<T> second)
    {
        if (!HasData(count))
        {
            Volatile.Write(ref _underflows, _underflows + 1);
            first = second = default;
            return false;
        }

        GetReadSpans(count, out first, out second);
        return true;
    }

    /// <summary>Frees <paramref name="count"/> items (read in place, or skipped) for the producer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than is readable (a programming error).</exception>
    public void Release(int count)
    {
        // Checked against the cached tail (never ahead of the real one): no shared cache line is touched here.
        if ((uint)count > (uint)(_cachedTail - _head))
        {
            ThrowCount();
        }

        _head += count;
        Volatile.Write(ref _ring.Head.Value, _head); // release: reads done before the slots are handed back
    }

    /// <summary>Discards up to <paramref name="count"/> available items (a negative count discards none); returns how many.</summary>
    public int Skip(int count)
    {
        int n = Math.Clamp(count, 0, RefreshAvailable());
        Release(n);
        return n;
    }

    private static void ThrowCount() =>
        throw new ArgumentOutOfRangeException("count", "Cannot release a negative count or more items than are readable.");

    private int RefreshAvailable()
    {
        _cachedTail = Volatile.Read(ref _ring.Tail.Value);
        return (int)(_cachedTail - _head);
    }

    private bool HasData(int count)
    {
        if (_cachedTail - _head >= count)
        {
            return true;
        }

        _cachedTail = Volatile.Read(ref _ring.Tail.Value); // acquire: producer's data writes are visible
        return _cachedTail - _head >= count;
    }

    private void GetReadSpans(int count, out ReadOnlySpan<T> first, out ReadOnlySpan<T> second)
    {
        T[] buffer = _ring.Buffer;
        int start = (int)(_head & _ring.Mask);
        int firstLength = Math.Min(count, buffer.Length - start);
        first = buffer.AsSpan(start, firstLength);
        second = buffer.AsSpan(0, count - firstLength);
    }
}
