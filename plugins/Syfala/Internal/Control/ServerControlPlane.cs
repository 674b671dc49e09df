using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

/// <summary>The server node's control plane: decodes client datagrams and runs <see cref="ServerProtocol"/>.</summary>
internal sealed class ServerControlPlane : ControlPlane, IServerProtocolHost
{
    private readonly StreamFormats _formats;
    private readonly byte[] _connect;
    private readonly byte[] _one = new byte[1];
    private readonly ConcurrentDictionary<IPEndPoint, TcpControlLink> _links = new();
    private readonly CancellationTokenSource _acceptCancel = new();
    private readonly int _maxLinks;
    private Socket? _listener;
    private IPEndPoint? _audioClient;

    public ServerControlPlane(IDatagramTransport transport, ControlInbox inbox, AudioPath audio, NodeEventWriter events, ILogger logger,
        string nodeId, StreamFormats formats, int maxClients, IReadOnlyList<IPNetwork> allow, int heartbeatMs, int timeoutMs)
        : base(transport, inbox, audio, events, logger, nodeId, Math.Clamp(heartbeatMs / 20, 1, 5))
    {
        _formats = formats;
        _maxLinks = maxClients;
        var message = ServerMessage.Connect(formats);
        _connect = new byte[SyfalaCodec.GetEncodedLength(message)];
        SyfalaCodec.TryEncode(message, _connect, out _);
        Protocol = new ServerProtocol(this, maxClients, allow, heartbeatMs, timeoutMs);
    }

    /// <summary>The protocol state (read it from the control plane, or after Stop).</summary>
    public ServerProtocol Protocol { get; }

    /// <summary>
    /// <c>control: tcp</c>: listens on TCP at the UDP socket's address and port; control messages then travel on the
    /// accepted connections (UDP control is still answered). Call before <see cref="ControlPlane.Start"/>.
    /// </summary>
    /// <exception cref="SocketException">The TCP port cannot be bound.</exception>
    public void ListenTcp(IPEndPoint endPoint)
    {
        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endPoint);
        _listener.Listen(16);
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>Open TCP control connections.</summary>
    public int TcpLinks => _links.Count;

    /// <summary>Sessions (any state); approximate when read from another thread.</summary>
    public int Sessions => Protocol.SessionCount;

    void IServerProtocolHost.Send(IPEndPoint client, ServerMessageKind kind)
    {
        _one[0] = (byte)kind;
        ReadOnlySpan<byte> message = kind == ServerMessageKind.Connect ? _connect : _one;
        if (_links.TryGetValue(client, out TcpControlLink? link))
        {
            link.Send(message);
            return;
        }

        SendTo(message, client);
    }

    bool IServerProtocolHost.TryStartAudio(IPEndPoint client)
    {
        _audioClient = client;
        return Audio.Activate(client.Serialize(), [.. _formats.Inputs], [.. _formats.Outputs], sending: false);
    }

    void IServerProtocolHost.StartSending(IPEndPoint client)
    {
        if (!Audio.StartSending())
        {
            Logger.LogWarning("{Node}: the sender did not acknowledge the start of I/O with {Peer} within 1 s", NodeId, client);
        }
    }

    void IServerProtocolHost.StopAudio(IPEndPoint client)
    {
        _audioClient = null;
        Audio.Deactivate();
    }

    long IServerProtocolHost.LastAudioMs(IPEndPoint client) =>
        client.Equals(_audioClient) ? TicksToMs(Audio.Receiver.LastAudioTicks) : long.MinValue;

    void IServerProtocolHost.Report(ProtocolEvent protocolEvent, IPEndPoint peer, int peerNumber, string detail)
    {
        switch (protocolEvent)
        {
            case ProtocolEvent.Connected:
                Logger.LogInformation("{Node}: client {Peer} connected (peer {Number})", NodeId, peer, peerNumber);
                Events.Publish(NodeEventKind.PeerConnected, peerNumber);
                break;
            case ProtocolEvent.TimedOut or ProtocolEvent.Disconnected:
                Logger.LogWarning("{Node}: client {Peer} lost: {Detail}", NodeId, peer, detail);
                Events.Publish(NodeEventKind.PeerDisconnected, peerNumber);
                break;
            case ProtocolEvent.Refused:
                Logger.LogWarning("{Node}: client {Peer} refused the connection: {Detail}", NodeId, peer, detail);
                Events.Publish(NodeEventKind.PeerRefused, peerNumber);
                break;
            case ProtocolEvent.IOStarted or ProtocolEvent.IOStopped:
                Logger.LogInformation("{Node}: {Event} {Peer} {Detail}", NodeId, protocolEvent, peer, detail);
                Events.Publish(protocolEvent == ProtocolEvent.IOStarted ? NodeEventKind.IOStarted : NodeEventKind.IOStopped, peerNumber);
                break;
            default:
                Logger.LogInformation("{Node}: {Event} {Peer} {Detail}", NodeId, protocolEvent, peer, detail);
                break;
        }
    }

    /// <summary>Node stop: Disconnect to every client, then close the listener and the TCP connections.</summary>
    public override void Shutdown(long nowMs)
    {
        Protocol.DisconnectAll();
        CloseTcp();
    }

    /// <summary>Closes the listener and every TCP connection without a word (tests: a vanished process).</summary>
    public void CloseTcp()
    {
        _acceptCancel.Cancel();
        _listener?.Dispose();
        foreach (TcpControlLink link in _links.Values)
        {
            link.Dispose();
        }
    }

    protected override void OnLinkClosed(IPEndPoint peer, long nowMs)
    {
        // Only when the registered link is the one that closed (a refused duplicate connection closes too).
        if (_links.TryGetValue(peer, out TcpControlLink? link) && link.IsClosed && _links.TryRemove(peer, out _) && Protocol.StateOf(peer) is not null)
        {
            Protocol.OnMessage(peer, ClientMessageKind.Disconnect, nowMs); // the connection is the session
        }
    }

    private async Task AcceptAsync()
    {
        while (!_acceptCancel.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(_acceptCancel.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var link = new TcpControlLink(socket, this);
            if (Protocol.IsAllowed(link.Remote.Address) && _links.Count < _maxLinks && _links.TryAdd(link.Remote, link))
            {
                link.Start();
            }
            else
            {
                link.Dispose(); // not allowed, too many, or a second connection from the same address and port
            }
        }
    }

    protected override void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint source, long nowMs)
    {
        if (!SyfalaCodec.TryDecodeClient(datagram, out ClientMessage message, out _))
        {
            CountMalformedFrame();
            return;
        }

        if (message.Kind == ClientMessageKind.Audio)
        {
            return; // audio reached the control plane: it came while no session ran (counted by the receiver)
        }

        Protocol.OnMessage(source, message.Kind, nowMs);
    }

    protected override void OnTick(long nowMs) => Protocol.OnTick(nowMs);
}
