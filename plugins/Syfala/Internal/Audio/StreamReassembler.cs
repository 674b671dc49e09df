using System.Diagnostics;
using SyfalaGraph.Dsp.Formats;
using SyfalaGraph.Dsp.JitterBuffers;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: rebuilds one received stream from datagrams addressed by byte_idx (the byte offset of the payload in the
// stream since I/O started; payloads may split samples and frames). Like the reference's AudioPacketSamplePadder,
// but frame-aligned, so that a loss never shifts channels:
//   - byte_idx == expected: the bytes are appended; a partial frame waits in `_frame` for its remaining bytes;
//   - byte_idx  > expected: a gap. The datagram is parked in a small reorder window (fixed slots, copied) in case the
//     missing one is only late. The gap is concealed (silent frames from the start of the partial frame to the first
//     whole frame after it) once `reorderTicks` have passed both since the datagram was parked and since the stream
//     last advanced, or when the window is full. So a datagram parked ahead of a stream that keeps arriving in order
//     never opens a gap: the stream reaches it and it takes its place;
//   - byte_idx  < expected (entirely): duplicate (seen in the recent history) or late (its bytes were concealed);
//     both are dropped and counted. A partly old datagram contributes its new tail.
// Steering: Syfala audio is not authenticated, so a datagram forged with the peer's address could move
// the stream anywhere. A datagram more than `reach` (the jitter buffer's tolerance, ≥ 100 ms of stream) ahead of or
// behind the expected index is off the current stream: it is dropped and counted, and only feeds a jump candidate
// (late and duplicate ones feed it too, so that a restart less than `reach` behind is followed as well). A candidate is believed
// (resync) when ConfirmDatagrams datagrams near one another have arrived at it over at least ConfirmSeconds with no
// datagram of the current stream in between; any datagram that advances the current stream or waits ahead of it
// discards it (the current stream wins back). A peer that really restarted elsewhere stops sending at the old
// position, so it is followed ConfirmSeconds (plus one datagram) after its first new datagram; a forger must silence
// the real stream for as long, which only an on-path attacker can do (and that one can drop or replace audio anyway).
// Everything is allocated in the constructor: the receiver thread allocates nothing per datagram and never throws.

/// <summary>Reassembles one received stream into its <see cref="ReceiveBuffer"/>. Receiver thread only.</summary>
internal sealed class StreamReassembler
{
    private const int SlotCount = 16;
    private const int RecentCount = 64;

    /// <summary>Datagrams at a new position that confirm a jump (with <see cref="ConfirmSeconds"/>).</summary>
    public const int ConfirmDatagrams = 8;

    /// <summary>
    /// Seconds over which a jump's datagrams must keep arriving, with none of the current stream, before it is
    /// believed: ≥ 20 datagram periods at 64–256-frame blocks, longer than any pause of a live stream that the jitter
    /// buffer would survive, well under the session timeout (600 ms by default).
    /// </summary>
    public const double ConfirmSeconds = 0.1;

    private readonly ReceiveBuffer _output;
    private readonly ReceiveStatistics _stats;
    private readonly int _channels;
    private readonly float[] _floats;
    private readonly byte[] _frame;
    private readonly byte[][] _slotData;
    private readonly ulong[] _slotIndex;
    private readonly int[] _slotLength;
    private readonly long[] _slotTicks;
    private readonly ulong[] _recent = new ulong[RecentCount];
    private readonly bool _measureJitter;
    private int _recentCount;
    private int _recentNext;
    private int _pending;
    private SampleFormat _format;
    private int _bytesPerFrame;
    private int _framesPerChunk;
    private ulong _next;
    private int _frameFill;
    private long _reorderTicks;
    private ulong _reachBytes;
    private long _confirmTicks;
    private long _progressTicks;
    private ulong _candidateNext;
    private int _candidateRun;
    private bool _candidateOffStream;
    private long _candidateSince;
    private double _bytesPerSecond;
    private InterarrivalJitter _jitter;

    /// <param name="output">Where whole frames go.</param>
    /// <param name="stats">Shared counters of the receiver.</param>
    /// <param name="channels">Channels per frame.</param>
    /// <param name="maxPayloadBytes">Size of each reorder slot: larger payloads are never parked (a gap before one is concealed at once).</param>
    /// <param name="measureJitter">Whether this stream feeds the RFC 3550 jitter estimate.</param>
    public StreamReassembler(ReceiveBuffer output, ReceiveStatistics stats, int channels, int maxPayloadBytes, bool measureJitter)
    {
        _output = output;
        _stats = stats;
        _channels = channels;
        _measureJitter = measureJitter;
        _frame = new byte[channels * 8];
        _floats = new float[Math.Max(4096, channels) * 1];
        _slotData = new byte[SlotCount][];
        for (int i = 0; i < SlotCount; i++)
        {
            _slotData[i] = new byte[maxPayloadBytes];
        }

        _slotIndex = new ulong[SlotCount];
        _slotLength = new int[SlotCount];
        _slotTicks = new long[SlotCount];
        Reset(SampleType.F32, 48_000, 0, 1);
    }

    /// <summary>The byte index expected next.</summary>
    public ulong NextByteIndex => _next;

    /// <summary>Datagrams parked in the reorder window.</summary>
    public int Pending => _pending;

    /// <summary>Starts a new I/O session: byte 0 expected, nothing parked. Receiver thread only.</summary>
    /// <param name="type">Sample type on the wire for this session.</param>
    /// <param name="sampleRate">Frames per second (for jitter and the plausibility bound).</param>
    /// <param name="reorderSeconds">How long a datagram after a gap waits for the missing one.</param>
    /// <param name="reachSeconds">
    /// Farthest a datagram may land ahead of or behind the expected index and still belong to the current stream
    /// (at least 64 frames); beyond, it is off the stream and a jump there needs confirmation.
    /// </param>
    public void Reset(SampleType type, double sampleRate, double reorderSeconds, double reachSeconds)
    {
        _format = type.ToSampleFormat();
        _bytesPerFrame = _channels * type.BytesPerSample();
        _framesPerChunk = _floats.Length / _channels;
        _next = 0;
        _frameFill = 0;
        _pending = 0;
        _recentCount = 0;
        _candidateRun = 0;
        _candidateOffStream = false;
        _progressTicks = long.MinValue;
        Array.Clear(_slotLength);
        _reorderTicks = (long)(reorderSeconds * Stopwatch.Frequency);
        _bytesPerSecond = sampleRate * _bytesPerFrame;
        _reachBytes = (ulong)Math.Max(_bytesPerFrame * 64.0, reachSeconds * _bytesPerSecond);
        _confirmTicks = (long)(ConfirmSeconds * Stopwatch.Frequency);
        _jitter.Reset();
    }

    /// <summary>Handles one audio payload at <paramref name="byteIndex"/>. Receiver thread only; no allocation.</summary>
    public void Accept(ulong byteIndex, ReadOnlySpan<byte> payload, long nowTicks)
    {
        if (payload.IsEmpty)
        {
            Interlocked.Increment(ref _stats.Empty);
            return;
        }

        ulong end = byteIndex + (ulong)payload.Length;
        if (end < byteIndex)
        {
            Interlocked.Increment(ref _stats.Implausible);
            return;
        }

        bool offStream = IsOffStream(byteIndex, end);
        if (offStream || end <= _next)
        {
            // It does not fit the current stream (off it, or entirely behind: late or a duplicate): at most a
            // candidate for a jump. Behind counts too: a peer that restarted less than `reach` back sends indices
            // the history holds, its datagrams look like duplicates.
            if (!ConfirmsJump(byteIndex, end, nowTicks, offStream))
            {
                if (offStream)
                {
                    Interlocked.Increment(ref _stats.Implausible);
                }
                else if (IsRecent(byteIndex))
                {
                    Interlocked.Increment(ref _stats.Duplicates);
                }
                else
                {
                    Interlocked.Increment(ref _stats.Late);
                    Interlocked.Add(ref _stats.LateBytes, payload.Length);
                }

                return;
            }

            Resync(byteIndex);
        }
        else if (_candidateRun > 0)
        {
            // The current stream is still arriving: the jump was not real (or not yet), whoever sent it.
            DiscardCandidate();
        }

        MeasureJitter(byteIndex, nowTicks);
        if (byteIndex <= _next)
        {
            if (_pending > 0)
            {
                Interlocked.Increment(ref _stats.Reordered); // it fills a gap that later datagrams already passed
            }

            Deliver(byteIndex, payload);
            _progressTicks = nowTicks; // an arrival advanced the stream (not a concealment)
            DrainSlots();
            return;
        }

        if (FindSlot(byteIndex) >= 0)
        {
            Interlocked.Increment(ref _stats.Duplicates);
            return;
        }

        int free = FindFreeSlot();
        if (free < 0 || payload.Length > _slotData[0].Length)
        {
            ConcealTo(MinPendingIndex(byteIndex));
            DrainSlots();
            if (byteIndex <= _next)
            {
                Deliver(byteIndex, payload);
                DrainSlots();
                return;
            }

            free = FindFreeSlot();
            if (free < 0 || payload.Length > _slotData[0].Length)
            {
                ConcealTo(byteIndex);
                Deliver(byteIndex, payload);
                DrainSlots();
                return;
            }
        }

        payload.CopyTo(_slotData[free]);
        _slotIndex[free] = byteIndex;
        _slotLength[free] = payload.Length;
        _slotTicks[free] = nowTicks;
        _pending++;
    }

    /// <summary>Conceals gaps whose reorder wait has expired (call regularly). Receiver thread only.</summary>
    public void FlushExpired(long nowTicks)
    {
        while (_pending > 0)
        {
            int oldest = -1;
            for (int i = 0; i < SlotCount; i++)
            {
                if (_slotLength[i] > 0 && (oldest < 0 || _slotTicks[i] < _slotTicks[oldest]))
                {
                    oldest = i;
                }
            }

            // A stream still advancing is filling the gap: wait until it stalls for a whole reorder wait.
            if (nowTicks - Math.Max(_slotTicks[oldest], _progressTicks) < _reorderTicks)
            {
                return;
            }

            ConcealTo(MinPendingIndex(ulong.MaxValue));
            DrainSlots();
        }
    }

    private bool IsOffStream(ulong byteIndex, ulong end) =>
        byteIndex > _next ? byteIndex - _next > _reachBytes : end <= _next && _next - byteIndex > _reachBytes;

    /// <summary>Feeds the jump candidate with an off-stream datagram; true when the jump is now confirmed.</summary>
    /// <summary>
    /// Feeds the jump candidate with a datagram that does not fit the current stream (off it, or entirely behind it);
    /// true when the jump is now confirmed.
    /// </summary>
    private bool ConfirmsJump(ulong byteIndex, ulong end, long nowTicks, bool offStream)
    {
        ulong distance = byteIndex > _candidateNext ? byteIndex - _candidateNext : _candidateNext - byteIndex;
        if (_candidateRun > 0 && distance <= _reachBytes)
        {
            // Near the candidate (in order, or reordered or after a loss as a real stream may be): it goes on.
            _candidateRun++;
            _candidateNext = Math.Max(_candidateNext, end);
        }
        else
        {
            DiscardCandidate();
            _candidateRun = 1;
            _candidateNext = end;
            _candidateSince = nowTicks;
        }

        _candidateOffStream |= offStream;
        return _candidateRun >= ConfirmDatagrams && nowTicks - _candidateSince >= _confirmTicks;
    }

    /// <summary>Drops the candidate; counted as a rejected jump when it reached off the stream (late ones alone are not a jump).</summary>
    private void DiscardCandidate()
    {
        if (_candidateRun > 0 && _candidateOffStream)
        {
            Interlocked.Increment(ref _stats.RejectedJumps);
        }

        _candidateRun = 0;
        _candidateOffStream = false;
    }

    private void Resync(ulong byteIndex)
    {
        Interlocked.Increment(ref _stats.Resyncs);
        Array.Clear(_slotLength);
        _candidateRun = 0;
        _candidateOffStream = false;
        _recentCount = 0;
        _pending = 0;
        _frameFill = 0;
        _next = byteIndex - (byteIndex % (ulong)_bytesPerFrame);
        _jitter.Restart();
    }

    private void MeasureJitter(ulong byteIndex, long nowTicks)
    {
        if (!_measureJitter)
        {
            return;
        }

        // RFC 3550 §6.4.1; the media time of a payload is its first byte's position in the stream.
        _stats.JitterSeconds = _jitter.Update((double)nowTicks / Stopwatch.Frequency, byteIndex / _bytesPerSecond);
    }

    private void Deliver(ulong byteIndex, ReadOnlySpan<byte> payload)
    {
        if (byteIndex + (ulong)payload.Length <= _next)
        {
            // Entirely covered meanwhile (a parked datagram that overlapped it was delivered first): nothing new.
            Interlocked.Increment(ref _stats.Late);
            Interlocked.Add(ref _stats.LateBytes, payload.Length);
            return;
        }

        _recent[_recentNext] = byteIndex;
        _recentNext = (_recentNext + 1) % RecentCount;
        _recentCount = Math.Min(_recentCount + 1, RecentCount);
        if (byteIndex < _next)
        {
            payload = payload[(int)(_next - byteIndex)..];
        }

        Interlocked.Increment(ref _stats.AudioDatagrams);
        Interlocked.Add(ref _stats.AudioPayloadBytes, payload.Length);
        Append(payload);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        _next += (ulong)bytes.Length;
        int bpf = _bytesPerFrame;
        if (_frameFill > 0)
        {
            int take = Math.Min(bpf - _frameFill, bytes.Length);
            bytes[..take].CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            bytes = bytes[take..];
            if (_frameFill < bpf)
            {
                return;
            }

            Emit(_frame.AsSpan(0, bpf), 1);
            _frameFill = 0;
        }

        while (bytes.Length >= bpf)
        {
            int frames = Math.Min(bytes.Length / bpf, _framesPerChunk);
            Emit(bytes[..(frames * bpf)], frames);
            bytes = bytes[(frames * bpf)..];
        }

        if (!bytes.IsEmpty)
        {
            bytes.CopyTo(_frame);
            _frameFill = bytes.Length;
        }
    }

    private void Emit(ReadOnlySpan<byte> wire, int frames)
    {
        Span<float> floats = _floats.AsSpan(0, frames * _channels);
        SampleFormatConverter.DecodeSamples(_format, wire, floats);
        _output.Write(floats);
    }

    /// <summary>Silence from the start of the partial frame up to the first whole frame at or after <paramref name="byteIndex"/>.</summary>
    private void ConcealTo(ulong byteIndex)
    {
        if (byteIndex <= _next)
        {
            return;
        }

        ulong bpf = (ulong)_bytesPerFrame;
        ulong firstFrame = (_next - (ulong)_frameFill) / bpf;
        ulong endFrame = (byteIndex + bpf - 1) / bpf;
        long frames = (long)(endFrame - firstFrame);
        Interlocked.Increment(ref _stats.Gaps);
        Interlocked.Add(ref _stats.LostBytes, (long)(byteIndex - _next));
        Interlocked.Add(ref _stats.ConcealedFrames, frames);
        _frameFill = 0;
        _next = endFrame * bpf;
        Span<float> silence = _floats.AsSpan(0, _framesPerChunk * _channels);
        silence.Clear();
        while (frames > 0)
        {
            int n = (int)Math.Min(frames, _framesPerChunk);
            _output.Write(silence[..(n * _channels)]);
            frames -= n;
        }
    }

    private void DrainSlots()
    {
        while (_pending > 0)
        {
            int slot = -1;
            for (int i = 0; i < SlotCount; i++)
            {
                if (_slotLength[i] > 0 && _slotIndex[i] <= _next)
                {
                    slot = i;
                    break;
                }
            }

            if (slot < 0)
            {
                return;
            }

            int length = _slotLength[slot];
            _slotLength[slot] = 0;
            _pending--;
            if (_slotIndex[slot] + (ulong)length <= _next)
            {
                Interlocked.Increment(ref _stats.Late); // overtaken while parked (its bytes were concealed)
                Interlocked.Add(ref _stats.LateBytes, length);
                continue;
            }

            Deliver(_slotIndex[slot], _slotData[slot].AsSpan(0, length));
        }
    }

    private ulong MinPendingIndex(ulong atMost)
    {
        ulong min = atMost;
        for (int i = 0; i < SlotCount; i++)
        {
            if (_slotLength[i] > 0 && _slotIndex[i] < min)
            {
                min = _slotIndex[i];
            }
        }

        return min;
    }

    private int FindSlot(ulong byteIndex)
    {
        for (int i = 0; i < SlotCount; i++)
        {
            if (_slotLength[i] > 0 && _slotIndex[i] == byteIndex)
            {
                return i;
            }
        }

        return -1;
    }

    private int FindFreeSlot()
    {
        for (int i = 0; i < SlotCount; i++)
        {
            if (_slotLength[i] == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private bool IsRecent(ulong byteIndex)
    {
        for (int i = 0; i < _recentCount; i++)
        {
            if (_recent[i] == byteIndex)
            {
                return true;
            }
        }

        return false;
    }
}
