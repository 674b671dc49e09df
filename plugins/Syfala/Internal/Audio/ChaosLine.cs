using System.Net;
using System.Diagnostics;
using System.Net.Sockets;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Nodes;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: the sender thread's last step. Without impairments it is a straight TrySend. With them, each datagram is
// dropped, corrupted, duplicated and/or copied into a fixed pool of delay slots with a due time (delay + uniform
// jitter, plus a hold-back for reordering); Pump sends the due slots in due order. Fixed slots and a seeded
// xorshift generator: no allocation, reproducible runs.

/// <summary>Applies <see cref="SyfalaChaosParameters"/> to outgoing audio datagrams. Sender thread only.</summary>
internal sealed class ChaosLine
{
    private const int SlotCount = 1024;

    private readonly IDatagramTransport _transport;
    private readonly SyfalaChaosParameters _chaos;
    private readonly bool _active;
    private readonly bool _delaying;
    private readonly byte[][] _data;
    private readonly int[] _length;
    private readonly long[] _due;
    private readonly SocketAddress?[] _to;
    private ulong _rng;
    private int _used;

    internal long Sent;
    internal long SentBytes;
    internal long Dropped;
    internal long DroppedPayloadBytes;
    internal long Duplicated;
    internal long Corrupted;
    internal long Reordered;
    internal long Overflowed;
    internal long SendFailures;

    public ChaosLine(IDatagramTransport transport, SyfalaChaosParameters chaos, int maxDatagramBytes)
    {
        _transport = transport;
        _chaos = chaos;
        _active = chaos.IsActive;
        _delaying = chaos.DelayMs > 0 || chaos.JitterMs > 0 || chaos.ReorderPct > 0;
        _rng = (ulong)(uint)chaos.Seed * 0x9E3779B97F4A7C15UL | 1;
        int slots = _delaying ? SlotCount : 0;
        _data = new byte[slots][];
        for (int i = 0; i < slots; i++)
        {
            _data[i] = new byte[maxDatagramBytes];
        }

        _length = new int[slots];
        _due = new long[slots];
        _to = new SocketAddress?[slots];
    }

    /// <summary>Datagrams waiting in the delay line.</summary>
    public int Pending => _used;

    /// <summary>Sends (or impairs) one audio datagram. <paramref name="datagram"/> may be modified.</summary>
    /// <param name="datagram">The encoded datagram.</param>
    /// <param name="payloadBytes">Its audio payload length (for the loss accounting).</param>
    /// <param name="destination">Peer address.</param>
    /// <param name="nowTicks">Stopwatch ticks now.</param>
    public void Submit(Span<byte> datagram, int payloadBytes, SocketAddress destination, long nowTicks)
    {
        if (!_active)
        {
            Send(datagram, destination);
            return;
        }

        if (Chance(_chaos.LossPct))
        {
            Dropped++;
            DroppedPayloadBytes += payloadBytes;
            return;
        }

        if (Chance(_chaos.CorruptPct))
        {
            Corrupted++;
            // Never the message-type byte: that would turn audio into another message (e.g. Disconnect), which
            // the UDP checksum prevents in practice; header fields and payload are fair game.
            int bit = 8 + (int)(Next() % (ulong)((datagram.Length - 1) * 8));
            datagram[bit >> 3] ^= (byte)(1 << (bit & 7));
        }

        int copies = Chance(_chaos.DuplicatePct) ? 2 : 1;
        if (copies == 2)
        {
            Duplicated++;
        }

        for (int k = 0; k < copies; k++)
        {
            if (!_delaying)
            {
                Send(datagram, destination);
                continue;
            }

            double delayMs = _chaos.DelayMs + (_chaos.JitterMs * (Next() >> 11) * (1.0 / (1UL << 53)));
            if (Chance(_chaos.ReorderPct))
            {
                Reordered++;
                delayMs += 3.0 + _chaos.JitterMs; // held back long enough for the next datagrams to overtake it
            }

            Park(datagram, destination, nowTicks + (long)(delayMs * Stopwatch.Frequency / 1000.0));
        }
    }

    /// <summary>Sends every parked datagram whose due time has come, in due order.</summary>
    public void Pump(long nowTicks)
    {
        while (_used > 0)
        {
            int best = -1;
            for (int i = 0; i < _length.Length; i++)
            {
                if (_length[i] > 0 && _due[i] <= nowTicks && (best < 0 || _due[i] < _due[best]))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                return;
            }

            Send(_data[best].AsSpan(0, _length[best]), _to[best]!);
            _length[best] = 0;
            _to[best] = null;
            _used--;
        }
    }

    private void Park(ReadOnlySpan<byte> datagram, SocketAddress destination, long due)
    {
        for (int i = 0; i < _length.Length; i++)
        {
            if (_length[i] == 0)
            {
                datagram.CopyTo(_data[i]);
                _length[i] = datagram.Length;
                _due[i] = due;
                _to[i] = destination;
                _used++;
                return;
            }
        }

        Overflowed++; // delay line full: send at once
        Send(datagram, destination);
    }

    private void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (_transport.TrySend(datagram, destination))
        {
            Sent++;
            SentBytes += datagram.Length;
        }
        else
        {
            SendFailures++;
        }
    }

    private bool Chance(double pct) => pct > 0 && (Next() % 1_000_000UL) < (ulong)(pct * 10_000.0);

    private ulong Next()
    {
        // xorshift64*
        _rng ^= _rng >> 12;
        _rng ^= _rng << 25;
        _rng ^= _rng >> 27;
        return _rng * 2685821657736338717UL;
    }
}
