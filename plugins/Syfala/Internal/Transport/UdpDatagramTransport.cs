using System.Net;
using System.Net.Sockets;

namespace SyfalaGraph.Plugins.Syfala.Internal.Transport;

/// <summary>
/// <see cref="IDatagramTransport"/> over a UDP socket. Sending and receiving use the <see cref="SocketAddress"/>
/// overloads, which allocate nothing; the receive wait is <see cref="Socket.Poll(int, SelectMode)"/>.
/// </summary>
internal sealed class UdpDatagramTransport : IDatagramTransport
{
    private readonly Socket _socket;
    private long _sendErrors;
    private long _receiveErrors;
    private volatile bool _closed;

    /// <summary>Binds a UDP socket to <paramref name="bind"/> (port 0 = any free port).</summary>
    /// <param name="bind">Local address and port.</param>
    /// <param name="broadcast">Whether broadcasts may be sent (client discovery).</param>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local…).</exception>
    public UdpDatagramTransport(IPEndPoint bind, bool broadcast)
    {
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.EnableBroadcast = broadcast;
            _socket.ReceiveBufferSize = 4 << 20;
            _socket.SendBufferSize = 4 << 20;
            _socket.Bind(bind);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint { get; }

    /// <inheritdoc/>
    public AddressFamily AddressFamily => _socket.AddressFamily;

    /// <summary>Datagrams the OS refused to send.</summary>
    public long SendErrors => Volatile.Read(ref _sendErrors);

    /// <summary>Receive calls that failed.</summary>
    public long ReceiveErrors => Volatile.Read(ref _receiveErrors);

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (_closed)
        {
            return false;
        }

        try
        {
            return _socket.SendTo(datagram, SocketFlags.None, destination) == datagram.Length;
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public int Receive(Span<byte> buffer, SocketAddress source, int timeoutMs)
    {
        if (_closed)
        {
            return -1;
        }

        try
        {
            if (!_socket.Poll(timeoutMs * 1000, SelectMode.SelectRead) || _closed)
            {
                return -1;
            }

            return _socket.ReceiveFrom(buffer, SocketFlags.None, source);
        }
        catch (SocketException)
        {
            // e.g. a datagram larger than the buffer (EMSGSIZE is not reported on Linux: it is truncated), or ICMP errors.
            Interlocked.Increment(ref _receiveErrors);
            return -1;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _closed = true;
        _socket.Dispose();
    }
}
