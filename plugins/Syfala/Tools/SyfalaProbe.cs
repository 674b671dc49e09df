using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tools;

/// <summary>A server that answered a Discovery: its address and advertised formats.</summary>
/// <param name="EndPoint">Where the Connect came from (the server's UDP address).</param>
/// <param name="Formats">The formats it advertised.</param>
public sealed record DiscoveredServer(IPEndPoint EndPoint, StreamFormats Formats);

/// <summary>
/// One-shot Syfala clients for tools (<c>syfala-graph syfala discover|probe</c>): they speak the UDP protocol
/// directly and always leave the servers clean: each Connect is answered with ConnectionSuccess, then the connection
/// ends with Disconnect. A Connect needs a connection result as its answer; the reference server drops a Disconnect from
/// a client that has not connected, and ours would hold the offer until its timeout (shared/protocol/SYFALA-WIRE.md).
/// Audio thread: no.
/// </summary>
public static class SyfalaProbe
{
    /// <summary>
    /// Sends one Discovery to <paramref name="target"/> (a broadcast address, or one server) and collects every
    /// Connect that arrives within <paramref name="timeout"/>; each answering server is sent ConnectionSuccess, then
    /// Disconnect.
    /// </summary>
    /// <param name="target">Broadcast (e.g. 255.255.255.255:6910) or unicast address.</param>
    /// <param name="timeout">How long to listen for answers.</param>
    /// <param name="cancellationToken">Stops listening early.</param>
    /// <returns>The servers that answered, in order of arrival (one entry per address).</returns>
    /// <exception cref="SocketException">The Discovery cannot be sent (no route, broadcast not permitted…).</exception>
    public static async Task<IReadOnlyList<DiscoveredServer>> DiscoverAsync(IPEndPoint target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using Socket socket = Open(target, broadcast: true);
        await socket.SendToAsync(new[] { (byte)ClientMessageKind.Discovery }, SocketFlags.None, target, cancellationToken).ConfigureAwait(false);
        var found = new List<DiscoveredServer>();
        await foreach ((IPEndPoint from, StreamFormats formats) in ConnectsAsync(socket, timeout, cancellationToken).ConfigureAwait(false))
        {
            if (found.TrueForAll(f => !f.EndPoint.Equals(from)))
            {
                found.Add(new DiscoveredServer(from, formats));
                await LeaveAsync(socket, from).ConfigureAwait(false);
            }
        }

        return found;
    }

    /// <summary>
    /// Connects to one server (Discovery → Connect → ConnectionSuccess), returns its formats and disconnects
    /// (Disconnect); null when it did not answer within <paramref name="timeout"/> (Discovery is resent every 200 ms).
    /// </summary>
    /// <exception cref="SocketException">The datagram cannot be sent.</exception>
    public static async Task<StreamFormats?> ProbeAsync(IPEndPoint server, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        using Socket socket = Open(server, broadcast: false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (!cts.IsCancellationRequested)
        {
            await socket.SendToAsync(new[] { (byte)ClientMessageKind.Discovery }, SocketFlags.None, server, cts.Token).ConfigureAwait(false);
            await foreach ((IPEndPoint from, StreamFormats formats) in ConnectsAsync(socket, TimeSpan.FromMilliseconds(200), cts.Token).ConfigureAwait(false))
            {
                await LeaveAsync(socket, from).ConfigureAwait(false);
                return formats;
            }
        }

        return null;
    }

    // Not cancellable: a server that answered is always left clean.
    private static async Task LeaveAsync(Socket socket, IPEndPoint server)
    {
        await socket.SendToAsync(new[] { (byte)ClientMessageKind.ConnectionSuccess }, SocketFlags.None, server, CancellationToken.None).ConfigureAwait(false);
        await socket.SendToAsync(new[] { (byte)ClientMessageKind.Disconnect }, SocketFlags.None, server, CancellationToken.None).ConfigureAwait(false);
    }

    private static Socket Open(IPEndPoint target, bool broadcast)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = broadcast };
        socket.Bind(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        return socket;
    }

    private static async IAsyncEnumerable<(IPEndPoint From, StreamFormats Formats)> ConnectsAsync(Socket socket, TimeSpan window,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[65_536];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(window);
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (true)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (SyfalaCodec.TryDecodeServer(buffer.AsSpan(0, result.ReceivedBytes), SyfalaLimits.Default, out ServerMessage message, out _, out _)
                && message.Kind == ServerMessageKind.Connect && message.Formats is not null)
            {
                yield return ((IPEndPoint)result.RemoteEndPoint, message.Formats);
            }
        }
    }
}
