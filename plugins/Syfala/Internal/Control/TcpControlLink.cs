using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

// Design: `control: tcp` — control messages as COBS-framed postcard frames on a TCP connection (the framing of the
// reference crate's `to_slice_cobs`), audio still on UDP. One link per peer. A reader task decodes frames
// (CobsFrameDecoder bounds their size) and hands each to the control plane as if it were a datagram from the peer;
// the end of the stream is handed over as "closed", which the protocols treat as Disconnect. Writes happen on the
// control plane (small frames, one synchronous send each).
//
// Addressing convention: a client binds its TCP socket to the same local port as its UDP audio socket, and a server
// listens on TCP at the same port as its UDP socket. So a peer's TCP endpoint IS its UDP audio endpoint, and the
// protocol state machines key sessions by one address for both.

/// <summary>One TCP control connection (either side).</summary>
internal sealed class TcpControlLink : IDisposable
{
    private readonly Socket _socket;
    private readonly ControlPlane _owner;
    private readonly byte[] _frame = new byte[CobsFraming.GetMaxEncodedLength(CobsFrameDecoder.DefaultMaxFrameLength)];
    private int _closed;

    public TcpControlLink(Socket socket, ControlPlane owner)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _owner = owner;
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
        if (Remote.Address.IsIPv4MappedToIPv6)
        {
            Remote = new IPEndPoint(Remote.Address.MapToIPv4(), Remote.Port);
        }
    }

    /// <summary>When the connection was accepted or made, <see cref="ControlPlane.NowMs"/> time.</summary>
    public long OpenedMs { get; } = ControlPlane.NowMs;

    /// <summary>The peer (also its UDP audio address, by the convention above).</summary>
    public IPEndPoint Remote { get; }

    /// <summary>Whether the connection has ended.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Starts the reader task.</summary>
    public void Start() => _ = Task.Run(ReadAsync);

    /// <summary>Frames and sends one encoded message; false when the connection is gone. Control plane only.</summary>
    public bool Send(ReadOnlySpan<byte> message)
    {
        if (IsClosed || !CobsFraming.TryEncode(message, _frame, out int n))
        {
            return false;
        }

        try
        {
            _socket.Send(_frame.AsSpan(0, n), SocketFlags.None);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Close();
            return false;
        }
    }

    public void Dispose() => Close();

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // already reset by the peer
            }

            _socket.Dispose();
            _owner.PostLinkClosed(Remote);
        }
    }

    private async Task ReadAsync()
    {
        var decoder = new CobsFrameDecoder();
        var buffer = new byte[16 * 1024];
        try
        {
            while (!IsClosed)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break; // orderly close by the peer
                }

                int offset = 0;
                while (offset < n)
                {
                    CobsDecodeStatus status = decoder.Decode(buffer.AsSpan(offset, n - offset), out int consumed, out ReadOnlySpan<byte> frame);
                    offset += consumed;
                    if (status == CobsDecodeStatus.FrameDecoded)
                    {
                        _owner.PostFrame(frame.ToArray(), Remote);
                    }
                    else if (status is CobsDecodeStatus.MalformedFrame or CobsDecodeStatus.FrameTooLong)
                    {
                        _owner.CountMalformedFrame();
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // reset or closed: treated as the end of the connection
        }

        Close();
    }
}
