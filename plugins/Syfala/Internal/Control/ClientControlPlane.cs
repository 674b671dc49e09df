using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

/// <summary>The client node's control plane: decodes server datagrams and runs <see cref="ClientProtocol"/>.</summary>
internal sealed class ClientControlPlane : ControlPlane, IClientProtocolHost
{
    private readonly IPEndPoint _discoveryTarget;
    private readonly Func<StreamFormats, string?> _checkFormats;
    private readonly SyfalaGraph.Plugins.Syfala.Protocol.SyfalaLimits _limits;
    private readonly byte[] _one = new byte[1];
    private readonly string _target;
    private readonly bool _tcp;
    private TcpControlLink? _link;

    public ClientControlPlane(IDatagramTransport transport, ControlInbox inbox, AudioPath audio, NodeEventWriter events, ILogger logger,
        string nodeId, IPEndPoint discoveryTarget, bool broadcast, Func<StreamFormats, string?> checkFormats, SyfalaLimits limits,
        bool autoStart, int heartbeatMs, int timeoutMs, int discoveryPeriodMs, bool tcp)
        : base(transport, inbox, audio, events, logger, nodeId, Math.Clamp(heartbeatMs / 20, 1, 5))
    {
        _discoveryTarget = discoveryTarget;
        _checkFormats = checkFormats;
        _limits = limits;
        _target = broadcast ? $"broadcast {discoveryTarget}" : tcp ? $"tcp {discoveryTarget}" : discoveryTarget.ToString();
        _tcp = tcp && !broadcast;
        Protocol = new ClientProtocol(this, broadcast ? null : discoveryTarget, autoStart, heartbeatMs, timeoutMs, discoveryPeriodMs);
    }

    /// <summary>The protocol state (read it from the control plane, or for monitoring: approximate).</summary>
    public ClientProtocol Protocol { get; }

    void IClientProtocolHost.SendDiscovery()
    {
        _one[0] = (byte)ClientMessageKind.Discovery;
        if (!_tcp)
        {
            SendTo(_one, _discoveryTarget);
        }
        else if (EnsureLink())
        {
            _link!.Send(_one);
        }
    }

    void IClientProtocolHost.Send(IPEndPoint server, ClientMessageKind kind)
    {
        _one[0] = (byte)kind;
        if (!_tcp)
        {
            SendTo(_one, server);
        }
        else if (_link is { IsClosed: false } link)
        {
            link.Send(_one);
        }
    }

    string? IClientProtocolHost.CheckFormats(StreamFormats formats) => _checkFormats(formats);

    void IClientProtocolHost.PrepareAudio(IPEndPoint server, StreamFormats formats)
    {
        // Client sends the server's outputs and receives its inputs.
        if (!Audio.Activate(server.Serialize(), [.. formats.Outputs], [.. formats.Inputs], sending: false))
        {
            Logger.LogWarning("{Node}: the audio threads did not acknowledge the new session within 1 s", NodeId);
        }
    }

    void IClientProtocolHost.StartSending() => Audio.StartSending();

    void IClientProtocolHost.StopAudio() => Audio.Deactivate();

    long IClientProtocolHost.LastAudioMs() => Audio.Session is null ? long.MinValue : TicksToMs(Audio.Receiver.LastAudioTicks);

    void IClientProtocolHost.Report(ProtocolEvent protocolEvent, IPEndPoint? peer, int peerNumber, string detail)
    {
        switch (protocolEvent)
        {
            case ProtocolEvent.Connected:
                Logger.LogInformation("{Node}: connected to {Peer}: {Detail}", NodeId, peer, detail);
                Events.Publish(NodeEventKind.PeerConnected, peerNumber);
                break;
            case ProtocolEvent.TimedOut or ProtocolEvent.Disconnected:
                Logger.LogWarning("{Node}: server {Peer} lost: {Detail}; looking for it at {Target}", NodeId, peer, detail, _target);
                Events.Publish(NodeEventKind.PeerDisconnected, peerNumber);
                break;
            case ProtocolEvent.Refused or ProtocolEvent.StartRefused:
                Logger.LogError("{Node}: server {Peer} refused: {Detail}", NodeId, peer, detail);
                Events.Publish(protocolEvent == ProtocolEvent.Refused ? NodeEventKind.PeerRefused : NodeEventKind.IOStartRefused, peerNumber);
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

    /// <summary>Node stop: StopIO and Disconnect (then the TCP connection is closed).</summary>
    public override void Shutdown(long nowMs)
    {
        Protocol.Shutdown();
        _link?.Dispose();
    }

    protected override void OnLinkClosed(IPEndPoint peer, long nowMs)
    {
        if (_link is not null && _link.IsClosed)
        {
            _link = null;
            if (Protocol.Server is not null && Protocol.Server.Equals(peer))
            {
                Protocol.OnMessage(peer, ServerMessageKind.Disconnect, null, nowMs); // the connection is the session
            }
        }
    }

    /// <summary>
    /// Connects the TCP control link from the UDP socket's port number (see <see cref="TcpControlLink"/>), waiting at
    /// most 500 ms. Control plane only.
    /// </summary>
    private bool EnsureLink()
    {
        if (_link is { IsClosed: false })
        {
            return true;
        }

        var socket = new Socket(_discoveryTarget.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            IPAddress any = _discoveryTarget.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            socket.Bind(new IPEndPoint(any, Transport.LocalEndPoint.Port));
            if (!socket.ConnectAsync(_discoveryTarget).Wait(500))
            {
                socket.Dispose();
                return false;
            }
        }
        catch (Exception e) when (e is SocketException or AggregateException or ObjectDisposedException)
        {
            socket.Dispose();
            return false;
        }

        _link = new TcpControlLink(socket, this);
        _link.Start();
        return true;
    }

    protected override void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint source, long nowMs)
    {
        if (!SyfalaCodec.TryDecodeServer(datagram, _limits, out ServerMessage message, out _, out DecodeError error))
        {
            CountMalformedFrame();
            if (error == DecodeError.LimitExceeded)
            {
                Logger.LogWarning("{Node}: {Peer} advertised formats beyond the limits (max_streams, max_channels, max_sample_rate): ignored", NodeId, source);
            }

            return;
        }

        if (message.Kind == ServerMessageKind.Audio)
        {
            return;
        }

        Protocol.OnMessage(source, message.Kind, message.Formats, nowMs);
    }

    protected override void OnTick(long nowMs) => Protocol.OnTick(nowMs);
}
