using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;

namespace SyfalaGraph.Plugins.Syfala.Tests.Audio;

/// <summary>
/// An in-memory <see cref="IDatagramTransport"/> network (Kestrel's in-memory transport idea): datagrams between
/// endpoints of one <see cref="MemoryNetwork"/>, in order, never lost. Tests of the audio path without sockets.
/// </summary>
internal sealed class MemoryNetwork
{
    private readonly ConcurrentDictionary<IPEndPoint, MemoryDatagramTransport> _endpoints = new();

    public MemoryDatagramTransport Open(int port)
    {
        var t = new MemoryDatagramTransport(this, new IPEndPoint(IPAddress.Loopback, port));
        _endpoints[t.LocalEndPoint] = t;
        return t;
    }

    internal bool Deliver(IPEndPoint to, byte[] datagram, IPEndPoint from) =>
        _endpoints.TryGetValue(to, out MemoryDatagramTransport? t) && t.Enqueue(datagram, from);
}

internal sealed class MemoryDatagramTransport(MemoryNetwork network, IPEndPoint local) : IDatagramTransport
{
    private readonly BlockingCollection<(byte[] Datagram, IPEndPoint From)> _queue = new(new ConcurrentQueue<(byte[], IPEndPoint)>(), 100_000);
    private volatile bool _closed;

    public IPEndPoint LocalEndPoint { get; } = local;

    public AddressFamily AddressFamily => AddressFamily.InterNetwork;

    public long Sent;

    public bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        var to = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(destination);
        Interlocked.Increment(ref Sent);
        return !_closed && network.Deliver(to, datagram.ToArray(), LocalEndPoint);
    }

    public int Receive(Span<byte> buffer, SocketAddress source, int timeoutMs)
    {
        if (_closed || !_queue.TryTake(out (byte[] Datagram, IPEndPoint From) item, timeoutMs))
        {
            return -1;
        }

        SocketAddress from = item.From.Serialize();
        from.Buffer.Span[..from.Size].CopyTo(source.Buffer.Span);
        source.Size = from.Size;
        item.Datagram.CopyTo(buffer);
        return item.Datagram.Length;
    }

    internal bool Enqueue(byte[] datagram, IPEndPoint from) => !_closed && _queue.TryAdd((datagram, from));

    public void Dispose() => _closed = true;
}
