using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Rings;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: the ONE place where received audio crosses from the network receiver thread to the audio thread, so
// that clock-drift compensation (the lead's adaptive-resampling "clock bridge") can replace these internals
// without touching the nodes. For now: an SPSC ring of interleaved float frames; the audio thread plays once the
// fill reaches the target depth (the jitter buffer's latency), conceals an underflow with silence and then
// re-primes to the target. A reset (new I/O session, peer lost) is requested with a counter and carried out by the
// consumer itself, so the ring keeps exactly one reader. A reset from the producer (a new session) discards exactly
// what was written before it — not the new session's first frames, which may already be there when the audio
// thread notices; a reset from elsewhere (session ended) discards whatever is buffered.

/// <summary>
/// Jitter buffer of one received stream: <c>channels</c> interleaved float32 frames in, planar blocks out.
/// </summary>
internal sealed class ReceiveBuffer
{
    private readonly RingProducer<float> _producer;
    private readonly RingConsumer<float> _consumer;
    private readonly int _channels;
    private readonly int _targetFrames;
    private long _resetPosition = long.MaxValue;
    private int _resetRequested;
    private int _resetSeen;
    private bool _playing;
    private long _underflows;
    private long _overflowFrames;
    private long _concealedFrames;

    /// <param name="channels">Channels per frame (≥ 1).</param>
    /// <param name="targetFrames">Fill at which playback starts, frames (the jitter-buffer target depth).</param>
    /// <param name="maxBlockFrames">Largest block the audio thread reads.</param>
    public ReceiveBuffer(int channels, int targetFrames, int maxBlockFrames)
    {
        _channels = channels;
        _targetFrames = targetFrames;
        int capacityFrames = Math.Max((4 * targetFrames) + (4 * maxBlockFrames), 8192);
        (_producer, _consumer) = SpscRing.Create<float>(capacityFrames * channels);
    }

    /// <summary>Channels per frame.</summary>
    public int Channels => _channels;

    /// <summary>Target fill, frames.</summary>
    public int TargetFrames => _targetFrames;

    /// <summary>Frames buffered now (any thread; approximate while the other side runs).</summary>
    public int FillFrames => _consumer.AvailableToRead / _channels;

    /// <summary>Reads that found fewer frames than asked for while playing (audio thread writes; any thread reads).</summary>
    public long Underflows => Volatile.Read(ref _underflows);

    /// <summary>Frames dropped because the buffer was full (receiver thread writes).</summary>
    public long OverflowFrames => Volatile.Read(ref _overflowFrames);

    /// <summary>Frames of silence output while playing (underflows), not counting priming.</summary>
    public long ConcealedFrames => Volatile.Read(ref _concealedFrames);

    /// <summary>Whether the audio thread is playing (target reached) rather than priming.</summary>
    public bool IsPlaying => Volatile.Read(ref _playing);

    /// <summary>
    /// Appends whole interleaved frames (<paramref name="interleaved"/>.Length a multiple of the channel count).
    /// What does not fit is dropped and counted. Receiver thread only. No allocation.
    /// </summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        // Whole frames only: the ring's power-of-two capacity need not be a multiple of the channel count.
        int room = _producer.AvailableToWrite / _channels * _channels;
        int n = Math.Min(room, interleaved.Length);
        if (n > 0)
        {
            _producer.TryWrite(interleaved[..n]);
        }

        if (n < interleaved.Length)
        {
            Volatile.Write(ref _overflowFrames, _overflowFrames + ((interleaved.Length - n) / _channels));
        }
    }

    /// <summary>Asks the audio thread to discard whatever is buffered when it notices, and prime again (any thread).</summary>
    public void RequestReset()
    {
        Volatile.Write(ref _resetPosition, long.MaxValue);
        Interlocked.Increment(ref _resetRequested);
    }

    /// <summary>
    /// Asks the audio thread to discard exactly what was written so far (a new session starts with the next
    /// <see cref="Write"/>), and prime again. Receiver thread (the producer) only.
    /// </summary>
    public void ResetFromProducer()
    {
        Volatile.Write(ref _resetPosition, _producer.TotalWritten);
        Interlocked.Increment(ref _resetRequested); // full fence: the position is visible before the request
    }

    /// <summary>
    /// Fills the first <paramref name="frames"/> frames of <paramref name="destination"/> (planar): buffered audio
    /// once the target fill was reached, silence while priming and for an underflow (which re-primes).
    /// Audio thread: yes (no allocation, no lock).
    /// </summary>
    public void Read(AudioBuffer destination, int frames)
    {
        int requested = Volatile.Read(ref _resetRequested);
        if (requested != _resetSeen)
        {
            _resetSeen = requested;
            long upTo = Volatile.Read(ref _resetPosition);
            _consumer.Skip(upTo == long.MaxValue ? int.MaxValue : (int)Math.Min(upTo - _consumer.TotalRead, int.MaxValue));
            Volatile.Write(ref _playing, false);
        }

        int available = _consumer.AvailableToRead / _channels;
        if (!_playing)
        {
            if (available < Math.Max(_targetFrames, frames))
            {
                destination.Clear(frames);
                return;
            }

            Volatile.Write(ref _playing, true);
        }

        if (available >= frames)
        {
            _consumer.TryReadFrames(destination, frames);
            return;
        }

        if (available > 0)
        {
            _consumer.TryReadFrames(destination, available);
        }

        for (int c = 0; c < destination.Channels; c++)
        {
            destination.GetChannel(c, frames)[available..].Clear();
        }

        Volatile.Write(ref _underflows, _underflows + 1);
        Volatile.Write(ref _concealedFrames, _concealedFrames + (frames - available));
        Volatile.Write(ref _playing, false);
    }
}
