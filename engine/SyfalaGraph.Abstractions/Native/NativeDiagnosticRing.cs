using System.Runtime.InteropServices;

namespace SyfalaGraph.Abstractions.Native;

// Design: the lines native libraries print arrive on any thread of theirs, a JACK client's real-time process thread
// included (libjack's JackClient::Execute/Error call jack_error there: "SuspendRefNum error", "JackClient::Execute
// error name = ..."; its socket channel thread prints "JackSocketClientChannel read fail"; alsa-lib prints
// "snd_pcm_recover: underrun occurred" on PortAudio's callback thread). So a producer may neither allocate, lock nor
// block. This is D. Vyukov's bounded multi-producer queue over fixed slots of native memory: a producer claims a slot
// by a compare-and-swap of the enqueue index and publishes it by writing the slot's sequence (index + 1); the single
// consumer (whoever holds NativeDiagnostics' drain lock, never an audio thread) reads a slot whose sequence says it is
// published and frees it by writing index + Capacity. A full ring drops the line and counts it: the producer never
// waits. Lock-free for producers (a producer preempted between its claim and its publish delays the consumer only).
// The memory is allocated once per process and never freed: the contract is never unloaded.

/// <summary>
/// A bounded, lock-free multi-producer single-consumer queue of text lines in native memory (see the design note).
/// <see cref="TryClaim"/> and <see cref="Publish"/>: any thread, real-time safe. <see cref="TryRead"/>: one consumer at a time.
/// </summary>
internal sealed unsafe class NativeDiagnosticRing
{
    /// <summary>Number of slots (a power of two).</summary>
    public const int Capacity = 256;

    /// <summary>Bytes of text kept per line (libjack formats into 300 bytes); longer lines are cut.</summary>
    public const int TextBytes = 304;

    private const int HeaderBytes = 16; // int sequence, int source, int thread, int length
    private const int SlotBytes = HeaderBytes + TextBytes;

    private readonly byte* _slots;
    private long _enqueue;
    private long _dequeue;
    private long _dropped;

    /// <summary>Allocates the slots (once per process).</summary>
    public NativeDiagnosticRing()
    {
        _slots = (byte*)NativeMemory.AllocZeroed((nuint)(Capacity * SlotBytes));
        for (int i = 0; i < Capacity; i++)
        {
            *Sequence(i) = i;
        }
    }

    /// <summary>Lines dropped because the ring was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>
    /// Claims a slot for one line; false (and counted as dropped) when full. Any thread, real-time safe: no
    /// allocation, lock or wait. The caller fills <paramref name="text"/> (at most <see cref="TextBytes"/>) and then
    /// calls <see cref="Publish"/> with <paramref name="slot"/>.
    /// </summary>
    public bool TryClaim(out int slot, out byte* text)
    {
        long position = Volatile.Read(ref _enqueue);
        while (true)
        {
            int index = (int)(position & (Capacity - 1));
            long difference = Volatile.Read(ref *Sequence(index)) - (int)position;
            if (difference == 0)
            {
                long seen = Interlocked.CompareExchange(ref _enqueue, position + 1, position);
                if (seen == position)
                {
                    slot = index;
                    text = Slot(index) + HeaderBytes;
                    return true;
                }

                position = seen;
            }
            else if (difference < 0)
            {
                Interlocked.Increment(ref _dropped);
                slot = -1;
                text = null;
                return false;
            }
            else
            {
                position = Volatile.Read(ref _enqueue);
            }
        }
    }

    /// <summary>Publishes a claimed slot: its line, of <paramref name="length"/> bytes, from <paramref name="source"/>. Real-time safe.</summary>
    public void Publish(int slot, int source, int thread, int length)
    {
        int* header = (int*)Slot(slot);
        header[1] = source;
        header[2] = thread;
        header[3] = Math.Clamp(length, 0, TextBytes);
        int position = *Sequence(slot);
        Volatile.Write(ref *Sequence(slot), position + 1);
    }

    /// <summary>Reads the oldest published line; false when there is none. One consumer at a time. Allocates the string.</summary>
    public bool TryRead(out int source, out int thread, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? line)
    {
        int index = (int)(_dequeue & (Capacity - 1));
        if (Volatile.Read(ref *Sequence(index)) != (int)(_dequeue + 1))
        {
            source = 0;
            thread = 0;
            line = null;
            return false;
        }

        int* header = (int*)Slot(index);
        source = header[1];
        thread = header[2];
        line = System.Text.Encoding.UTF8.GetString(Slot(index) + HeaderBytes, header[3]).TrimEnd('\n', '\r', ' ');
        Volatile.Write(ref *Sequence(index), (int)(_dequeue + Capacity));
        _dequeue++;
        return true;
    }

    private byte* Slot(int index) => _slots + ((nint)index * SlotBytes);

    private int* Sequence(int index) => (int*)Slot(index);
}
