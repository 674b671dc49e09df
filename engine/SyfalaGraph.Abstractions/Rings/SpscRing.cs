using System.Runtime.InteropServices;

namespace SyfalaGraph.Abstractions.Rings;

// Design: a bounded single-producer / single-consumer ring (after rtrb, the ring the Syfala reference
// uses, and System.IO.Pipelines' SingleProducerConsumerQueue).
//
// - Capacity is a power of two; positions are 64-bit counters that never wrap in practice
//   (2^63 samples at 768 kHz is 380,000 years), so full/empty need no spare slot: used = tail - head.
// - The producer alone writes `tail`, the consumer alone writes `head`. Each is published with a
//   release store (Volatile.Write) *after* the data it covers has been written (producer) or read
//   (consumer), and read with an acquire load (Volatile.Read) by the other side *before* touching the
//   data. That pairing is the whole memory-ordering argument: the consumer never reads a slot before
//   the producer's writes to it are visible, and the producer never overwrites a slot the consumer is
//   still reading.
// - Each side caches the last value it saw of the other side's index and reloads it only when the
//   cached value says "not enough room/data", which keeps the shared cache lines quiet.
// - `head` and `tail` live in separate 128-byte blocks so the two threads never write the same cache
//   line (128 covers adjacent-line prefetch).
// - Operations move whole blocks: TryWrite/TryRead move all requested items or none. A failed
//   TryWrite counts an overflow, a failed TryRead an underflow; each counter is written by one thread.

/// <summary>
/// A lock-free, wait-free, bounded single-producer/single-consumer ring of unmanaged items: the only way
/// audio crosses threads in SyfalaGraph. Create one with <see cref="SpscRing.Create{T}"/>, which returns a
/// <see cref="RingProducer{T}"/> for the writing thread and a <see cref="RingConsumer{T}"/> for the reading
/// thread; each handle must be used by one thread at a time.
/// </summary>
/// <typeparam name="T">Item type (float samples, bytes, small structs).</typeparam>
public sealed class SpscRing<T>
    where T : unmanaged
{
    internal readonly T[] Buffer;
    internal readonly long Mask;
    internal PaddedCounter Head; // written by the consumer only
    internal PaddedCounter Tail; // written by the producer only

    internal SpscRing(int capacity)
    {
        Buffer = new T[capacity];
        Mask = capacity - 1;
    }

    /// <summary>Capacity in items (a power of two).</summary>
    public int Capacity => Buffer.Length;
}

/// <summary>Factory for <see cref="SpscRing{T}"/>.</summary>
public static class SpscRing
{
    /// <summary>Allocates a ring of at least <paramref name="minimumCapacity"/> items (rounded up to a power of two).</summary>
    /// <returns>The producer handle (one writing thread) and the consumer handle (one reading thread).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumCapacity"/> is below 1 or above 2^30.</exception>
    public static (RingProducer<T> Producer, RingConsumer<T> Consumer) Create<T>(int minimumCapacity)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimumCapacity, 1 << 30);
        int capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)minimumCapacity);
        var ring = new SpscRing<T>(capacity);
        return (new RingProducer<T>(ring), new RingConsumer<T>(ring));
    }
}

/// <summary>A 64-bit counter alone in its own 128-byte block (no false sharing).</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCounter
{
    [FieldOffset(64)]
    public long Value;
}
