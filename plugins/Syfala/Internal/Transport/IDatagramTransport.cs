using System.Net;
using System.Net.Sockets;

namespace SyfalaGraph.Plugins.Syfala.Internal.Transport;

/// <summary>
/// The datagram transport the Syfala nodes code against (after Kestrel's transport split): the audio threads and the
/// UDP control plane only see this, so the protocol can run on sockets or in memory.
/// </summary>
internal interface IDatagramTransport : IDisposable
{
    /// <summary>The local address the transport is bound to.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>The address family of peer addresses (for <see cref="SocketAddress"/> buffers).</summary>
    AddressFamily AddressFamily { get; }

    /// <summary>Sends one datagram; false when it could not be sent (counted by the caller). Never throws. Any thread.</summary>
    bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress destination);

    /// <summary>
    /// Waits at most <paramref name="timeoutMs"/> for a datagram; returns its length (0 allowed) with the sender in
    /// <paramref name="source"/>, or -1 when none arrived or the transport is closed. Never throws. One thread.
    /// </summary>
    int Receive(Span<byte> buffer, SocketAddress source, int timeoutMs);
}
