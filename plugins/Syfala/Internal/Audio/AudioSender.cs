using System.Diagnostics;
using System.Runtime.CompilerServices;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Abstractions.Rings;
using SyfalaGraph.Dsp.Formats;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: the one blocking audio sender thread of a node (DESIGN §6). It polls the SPSC rings the audio thread fills
// (interleaved float frames per stream), converts what is there to the session's wire sample type and sends it in
// datagrams of at most max_datagram_bytes: header (17 bytes) + payload, byte_idx = bytes of that stream sent since
// I/O started. Whole frames per datagram when a frame fits; a frame larger than the payload room is split across
// datagrams (the receiver reassembles by byte_idx). A stream at another rate than the graph's (a client with
// resample: true) goes through the session's RateConverter first, so datagrams need not follow the ring's reads.
// It sleeps on a WakeSignal (an eventfd on Linux) that the audio
// thread signals after each block it writes, so a period leaves as soon as it is written instead of at the next
// poll (it used to poll every 1 ms, ≈ 1.1 ms with Linux's timer slack: most of a 64-frame period per direction);
// the audio thread's side is one non-blocking write(2), no lock. Without the eventfd (not Linux) the signal falls
// back to that 1 ms polling. Everything is allocated up front.

/// <summary>Sender thread of a Syfala node: rings → datagrams. Start/Stop from the node; the rest is its own thread.</summary>
internal sealed class AudioSender : AudioThread
{
    private readonly IDatagramTransport _transport;
    private readonly RingConsumer<float>[] _rings;
    private readonly int[] _channels;
    private readonly bool _fromServer;
    private readonly int _payloadRoom;
    private readonly byte[] _datagram;
    private readonly byte[] _staging;
    private readonly float[] _floats;
    private readonly ulong[] _byteIndex;
    private readonly ChaosLine _chaos;
    private readonly WakeSignal _written = new();

    /// <param name="transport">Where datagrams go.</param>
    /// <param name="rings">One ring per sent stream (interleaved float frames, filled by the audio thread).</param>
    /// <param name="channels">Channels per sent stream.</param>
    /// <param name="fromServer">True on the server (audio variant 7), false on the client (6).</param>
    /// <param name="maxDatagramBytes">Largest datagram, header included.</param>
    /// <param name="chaos">Impairments.</param>
    public AudioSender(IDatagramTransport transport, RingConsumer<float>[] rings, int[] channels, bool fromServer, int maxDatagramBytes, SyfalaChaosParameters chaos)
    {
        _transport = transport;
        _rings = rings;
        _channels = channels;
        _fromServer = fromServer;
        _payloadRoom = maxDatagramBytes - AudioMessageHeader.EncodedLength;
        int maxChannels = channels.Length == 0 ? 1 : channels.Max();
        _datagram = new byte[maxDatagramBytes];
        _staging = new byte[Math.Max(_payloadRoom, maxChannels * 8)];
        _floats = new float[Math.Max(_payloadRoom, maxChannels)];
        _byteIndex = new ulong[rings.Length];
        _chaos = new ChaosLine(transport, chaos, maxDatagramBytes);
    }

    /// <summary>The impairment stage (its counters: sent, dropped…).</summary>
    public ChaosLine Chaos => _chaos;

    /// <summary>True when the audio thread wakes this thread through an eventfd (else it polls every 1 ms).</summary>
    public bool WakesOnWrite => _written.IsEventFd;

    /// <summary>Tells the sender that frames were written into its rings. Audio thread: yes (one non-blocking system call, no lock, no allocation).</summary>
    public void Written() => _written.Signal();

    /// <summary>Bytes sent so far in each stream of the current session (byte_idx of the next datagram).</summary>
    public ulong BytesSent(int stream) => Volatile.Read(ref _byteIndex[stream]);

    // Fully optimised from the start: a long-running loop would otherwise be tiered up by on-stack replacement while
    // it runs, and that transition allocates on this thread. The methods it calls (Socket.Poll included) were still
    // recompiled under it now and then (56 B each time): syfala-graph runs with tiered compilation off (Cli .csproj).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Run()
    {
        int generation = -1;
        while (!Stopping)
        {
            AudioSession? session = Session;
            long now = Stopwatch.GetTimestamp();
            bool sent = false;
            if (session is null || !session.Sending)
            {
                // No session: what the audio thread writes is discarded, so a new session starts "now".
                for (int s = 0; s < _rings.Length; s++)
                {
                    _rings[s].Skip(int.MaxValue);
                }
            }
            else
            {
                if (session.Generation != generation)
                {
                    generation = session.Generation;
                    for (int s = 0; s < _rings.Length; s++)
                    {
                        _rings[s].Skip(int.MaxValue); // anchor: the stream's byte 0 is the next frame the graph writes
                        Volatile.Write(ref _byteIndex[s], 0UL);
                        if (s < session.SendConverters.Length)
                        {
                            session.SendConverters[s]?.Reset();
                        }
                    }

                    Acknowledge(generation);
                }

                for (int s = 0; s < _rings.Length && s < session.SendFormats.Length; s++)
                {
                    sent |= SendAvailable(s, session, now);
                }
            }

            _chaos.Pump(now);
            EndLoop();
            if (!sent)
            {
                // Datagrams the chaos line holds back are due within milliseconds; otherwise only a write, a new
                // session or Stop wakes this thread (the timeout merely bounds a lost wake-up).
                _written.Wait(_chaos.Pending > 0 ? 1 : 50);
            }
        }
    }

    /// <summary>Closes the wake-up's descriptor: only once the audio thread no longer calls <see cref="Written"/> (node disposal).</summary>
    public void DisposeWake() => _written.Dispose();

    /// <inheritdoc/>
    protected override void Wake() => _written.Signal();

    private bool SendAvailable(int stream, AudioSession session, long now)
    {
        RingConsumer<float> ring = _rings[stream];
        int channels = _channels[stream];
        SampleFormat type = session.SendFormats[stream].SampleType.ToSampleFormat();
        int bytesPerFrame = channels * type.BytesPerSample();
        int framesPerDatagram = Math.Max(1, _payloadRoom / bytesPerFrame);
        RateConverter? converter = stream < session.SendConverters.Length ? session.SendConverters[stream] : null;
        bool any = false;
        while (true)
        {
            int frames = Math.Min(ring.AvailableToRead / channels, framesPerDatagram);
            if (frames == 0)
            {
                return any;
            }

            any = true;
            Span<float> samples = _floats.AsSpan(0, frames * channels);
            ring.TryRead(samples);
            ReadOnlySpan<float> wire = converter is null ? samples : converter.Convert(samples);
            for (int offset = 0; offset < wire.Length; offset += framesPerDatagram * channels)
            {
                SendFrames(stream, session, type, wire.Slice(offset, Math.Min(framesPerDatagram * channels, wire.Length - offset)), bytesPerFrame, now);
            }
        }
    }

    // At most one datagram's worth of frames, or one frame larger than a datagram (split).
    private void SendFrames(int stream, AudioSession session, SampleFormat type, ReadOnlySpan<float> samples, int bytesPerFrame, long now)
    {
        int bytes = samples.Length / _channels[stream] * bytesPerFrame;
        if (bytes <= _payloadRoom)
        {
            SampleFormatConverter.EncodeSamples(type, samples, _datagram.AsSpan(AudioMessageHeader.EncodedLength));
            SendDatagram(stream, session, bytes, now);
            return;
        }

        SampleFormatConverter.EncodeSamples(type, samples, _staging);
        for (int offset = 0; offset < bytes; offset += _payloadRoom)
        {
            int n = Math.Min(_payloadRoom, bytes - offset);
            _staging.AsSpan(offset, n).CopyTo(_datagram.AsSpan(AudioMessageHeader.EncodedLength));
            SendDatagram(stream, session, n, now);
        }
    }

    private void SendDatagram(int stream, AudioSession session, int payloadBytes, long now)
    {
        var header = new AudioMessageHeader((uint)stream, _byteIndex[stream], (uint)payloadBytes);
        if (_fromServer)
        {
            SyfalaCodec.TryWriteServerAudioHeader(header, _datagram);
        }
        else
        {
            SyfalaCodec.TryWriteClientAudioHeader(header, _datagram);
        }

        Volatile.Write(ref _byteIndex[stream], _byteIndex[stream] + (ulong)payloadBytes);
        _chaos.Submit(_datagram.AsSpan(0, AudioMessageHeader.EncodedLength + payloadBytes), payloadBytes, session.Peer, now);
    }
}
