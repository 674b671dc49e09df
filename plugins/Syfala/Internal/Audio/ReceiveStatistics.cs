namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

/// <summary>
/// Counters of one receiver (every drop reason has one). Written by the receiver thread with interlocked
/// increments (no allocation); read from any thread.
/// </summary>
internal sealed class ReceiveStatistics
{
    internal long Datagrams;
    internal long Bytes;
    internal long AudioDatagrams;
    internal long AudioPayloadBytes;
    internal long Malformed;
    internal long UnknownPeer;
    internal long NotRunning;
    internal long BadStream;
    internal long LengthMismatch;
    internal long Empty;
    internal long Duplicates;
    internal long Late;
    internal long LateBytes;
    internal long Reordered;
    internal long LostBytes;
    internal long Gaps;
    internal long ConcealedFrames;
    internal long Implausible; // off the current stream (or overflowing): dropped, a jump candidate at most
    internal long RejectedJumps; // jump candidates discarded: the current stream kept arriving, or the run broke off
    internal long Resyncs; // jumps confirmed and followed
    internal long ControlQueued;
    internal long ControlDropped;
    internal long SocketErrors;
    private long _jitterBits;

    /// <summary>RFC 3550 interarrival jitter estimate of the first stream, seconds.</summary>
    internal double JitterSeconds
    {
        get => BitConverter.Int64BitsToDouble(Volatile.Read(ref _jitterBits));
        set => Volatile.Write(ref _jitterBits, BitConverter.DoubleToInt64Bits(value));
    }

    internal static long Read(ref long counter) => Volatile.Read(ref counter);
}
