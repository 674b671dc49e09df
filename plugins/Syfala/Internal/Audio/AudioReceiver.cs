using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: the one blocking receiver thread of a node (DESIGN §6). It owns the socket's receive side: audio datagrams
// from the current session's peer go to that stream's reassembler (→ jitter buffer → audio thread); every other
// datagram is handed undecoded to the control plane (ControlInbox), which decides about unknown peers. Malformed
// audio, audio from anyone but the session's peer, audio for a stream that does not exist, or whose n_bytes
// disagrees with its payload, is dropped and counted: nothing here throws or allocates per datagram.

/// <summary>Receiver thread of a Syfala node: datagrams → reassemblers / control inbox.</summary>
internal sealed class AudioReceiver : AudioThread
{
    private readonly IDatagramTransport _transport;
    private readonly ControlInbox _inbox;
    private readonly StreamReassembler[] _streams;
    private readonly ReceiveBuffer[] _buffers;
    private readonly ReceiveStatistics _stats;
    private readonly bool _atServer;
    private readonly byte _audioVariant;
    private readonly byte[] _buffer = new byte[65_536];
    private readonly double _reorderSeconds;
    private readonly double _reachSeconds;
    private long _lastAudioTicks;

    public AudioReceiver(IDatagramTransport transport, ControlInbox inbox, ReceiveBuffer[] buffers, bool atServer,
        int maxPayloadBytes, double reorderSeconds, double reachSeconds, ReceiveStatistics stats)
    {
        _transport = transport;
        _inbox = inbox;
        _buffers = buffers;
        _atServer = atServer;
        _audioVariant = atServer ? (byte)ClientMessageKind.Audio : (byte)ServerMessageKind.Audio;
        _stats = stats;
        _reorderSeconds = reorderSeconds;
        _reachSeconds = reachSeconds;
        _streams = new StreamReassembler[buffers.Length];
        for (int i = 0; i < buffers.Length; i++)
        {
            // Reorder slots hold our own max payload; a peer's larger datagrams skip the reorder window (a gap
            // before one is concealed at once) rather than costing 16 × 64 KiB per stream.
            _streams[i] = new StreamReassembler(buffers[i], stats, buffers[i].Channels, maxPayloadBytes, i == 0);
        }
    }

    public ReceiveStatistics Statistics => _stats;

    /// <summary>Stopwatch ticks of the last accepted audio datagram from the session's peer (liveness).</summary>
    public long LastAudioTicks => Volatile.Read(ref _lastAudioTicks);

    /// <summary>Next expected byte index of a stream (tests).</summary>
    public ulong NextByteIndex(int stream) => _streams[stream].NextByteIndex;

    // Fully optimised from the start: a long-running loop would otherwise be tiered up by on-stack replacement while
    // it runs, and that transition allocates on this thread. The methods it calls (Socket.Poll included) were still
    // recompiled under it now and then (56 B each time): syfala-graph runs with tiered compilation off (Cli .csproj).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Run()
    {
        var source = new SocketAddress(_transport.AddressFamily);
        int generation = -1;
        while (!Stopping)
        {
            AudioSession? session = Session;
            if (session is not null && session.Generation != generation)
            {
                generation = session.Generation;
                for (int i = 0; i < _streams.Length && i < session.ReceiveFormats.Length; i++)
                {
                    StreamFormat format = session.ReceiveFormats[i];
                    _streams[i].Reset(format.SampleType, format.SampleRate, _reorderSeconds, _reachSeconds);
                    _buffers[i].ResetFromProducer();
                }

                Acknowledge(generation);
            }

            // 2 ms while audio streams run (reordered datagrams held back are flushed when due); otherwise nothing
            // is due between datagrams, and a receive-only wait of 20 ms saves ~450 idle wake-ups a second.
            int n = _transport.Receive(_buffer, source, session is not null && _streams.Length > 0 ? 2 : 20);
            long now = Stopwatch.GetTimestamp();
            if (n >= 0)
            {
                Interlocked.Increment(ref _stats.Datagrams);
                Interlocked.Add(ref _stats.Bytes, n);
                Handle(_buffer.AsSpan(0, n), source, session, generation, now);
            }

            if (session is not null)
            {
                for (int i = 0; i < _streams.Length; i++)
                {
                    _streams[i].FlushExpired(now);
                }
            }

            EndLoop();
        }
    }

    private void Handle(ReadOnlySpan<byte> datagram, SocketAddress source, AudioSession? session, int generation, long now)
    {
        if (datagram.IsEmpty || datagram[0] != _audioVariant)
        {
            if (_inbox.TryPost(datagram, source))
            {
                Interlocked.Increment(ref _stats.ControlQueued);
            }
            else
            {
                Interlocked.Increment(ref _stats.ControlDropped);
            }

            return;
        }

        AudioMessageHeader header;
        ReadOnlySpan<byte> payload;
        if (_atServer)
        {
            if (!SyfalaCodec.TryDecodeClient(datagram, out ClientMessage message, out _))
            {
                Interlocked.Increment(ref _stats.Malformed);
                return;
            }

            header = message.Header;
            payload = message.Payload;
        }
        else
        {
            if (!SyfalaCodec.TryDecodeServer(datagram, out ServerMessage message, out _))
            {
                Interlocked.Increment(ref _stats.Malformed);
                return;
            }

            header = message.Header;
            payload = message.Payload;
        }

        if (session is null || session.Generation != generation)
        {
            Interlocked.Increment(ref _stats.NotRunning);
            return;
        }

        if (!source.Equals(session.Peer))
        {
            Interlocked.Increment(ref _stats.UnknownPeer);
            return;
        }

        Volatile.Write(ref _lastAudioTicks, now);
        if (header.StreamIndex >= (uint)_streams.Length || header.StreamIndex >= (uint)session.ReceiveFormats.Length)
        {
            Interlocked.Increment(ref _stats.BadStream);
            return;
        }

        if (header.ByteCount != (uint)payload.Length)
        {
            Interlocked.Increment(ref _stats.LengthMismatch);
            return;
        }

        _streams[header.StreamIndex].Accept(header.ByteIndex, payload, now);
    }
}
