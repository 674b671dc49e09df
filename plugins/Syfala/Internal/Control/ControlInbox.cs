using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Abstractions.Rings;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

// Design: control datagrams arrive on the same UDP socket as audio (the reference uses one port), so the receiver
// thread hands them to the control plane through an SPSC byte ring: [u16 length][u8 address size][address][bytes].
// The receiver thread neither decodes nor allocates them (a Connect would allocate its formats); the control plane
// decodes. A full ring drops the datagram (counted): control is retried by the protocol anyway. The receiver thread
// does NOT wake the control plane (completing an awaited wait allocates); the control plane polls the inbox every
// few ms instead (its tick). Sources are turned back into IPEndPoints through a small cache of recent peers, so
// steady traffic (heartbeats) allocates nothing on either side.

/// <summary>Control datagrams from the receiver thread (producer) to the control plane (consumer).</summary>
internal sealed class ControlInbox
{
    private const int HeaderLength = 3;

    private readonly RingProducer<byte> _producer;
    private readonly RingConsumer<byte> _consumer;
    private readonly (byte[] Address, IPEndPoint EndPoint)[] _recent = new (byte[], IPEndPoint)[16];
    private int _recentNext;
    private readonly byte[] _record = new byte[HeaderLength + 255 + 65_535];

    public ControlInbox(int capacityBytes = 256 * 1024)
    {
        (_producer, _consumer) = SpscRing.Create<byte>(capacityBytes);
    }

    /// <summary>Queues one datagram and its source. Receiver thread (or a TCP reader task); false when full.</summary>
    public bool TryPost(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        int addressSize = source.Size;
        int length = HeaderLength + addressSize + datagram.Length;
        if (addressSize > 255 || datagram.Length > ushort.MaxValue ||
            !_producer.TryBeginWrite(length, out Span<byte> first, out Span<byte> second))
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)datagram.Length);
        header[2] = (byte)addressSize;
        var writer = new SplitWriter(first, second);
        writer.Write(header);
        writer.Write(source.Buffer.Span[..addressSize]);
        writer.Write(datagram);
        _producer.Commit(length);

        return true;
    }

    /// <summary>Takes the next datagram (control plane only): its bytes (valid until the next call) and its source.</summary>
    public bool TryTake(out ReadOnlySpan<byte> datagram, out IPEndPoint? source)
    {
        datagram = default;
        source = null;
        Span<byte> header = stackalloc byte[HeaderLength];
        if (_consumer.AvailableToRead < HeaderLength || !_consumer.TryBeginRead(HeaderLength, out ReadOnlySpan<byte> a, out ReadOnlySpan<byte> b))
        {
            return false;
        }

        a.CopyTo(header);
        b.CopyTo(header[a.Length..]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(header);
        int addressSize = header[2];
        int total = HeaderLength + addressSize + length;
        if (!_consumer.TryBeginRead(total, out a, out b))
        {
            return false; // cannot happen: records are committed whole
        }

        a.CopyTo(_record);
        b.CopyTo(_record.AsSpan(a.Length));
        _consumer.Release(total);
        ReadOnlySpan<byte> addressBytes = _record.AsSpan(HeaderLength, addressSize);
        datagram = _record.AsSpan(HeaderLength + addressSize, length);
        foreach ((byte[] known, IPEndPoint endPoint) in _recent)
        {
            if (known is not null && addressBytes.SequenceEqual(known))
            {
                source = endPoint;
                return true;
            }
        }

        var address = new SocketAddress(AddressFamily.InterNetwork, addressSize);
        addressBytes.CopyTo(address.Buffer.Span);
        source = ToEndPoint(address);
        if (source is not null)
        {
            _recent[_recentNext] = (addressBytes.ToArray(), source);
            _recentNext = (_recentNext + 1) % _recent.Length;
        }

        return true;
    }

    private static IPEndPoint? ToEndPoint(SocketAddress address)
    {
        try
        {
            return address.Family == AddressFamily.InterNetworkV6
                ? (IPEndPoint)new IPEndPoint(IPAddress.IPv6Any, 0).Create(address)
                : (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private ref struct SplitWriter(Span<byte> first, Span<byte> second)
    {
        private Span<byte> _first = first;
        private Span<byte> _second = second;

        public void Write(scoped ReadOnlySpan<byte> bytes)
        {
            int n = Math.Min(bytes.Length, _first.Length);
            bytes[..n].CopyTo(_first);
            _first = _first[n..];
            bytes[n..].CopyTo(_second);
            _second = _second[(bytes.Length - n)..];
        }
    }
}
