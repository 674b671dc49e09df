using System.Net;
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
    private IPEndPoint? _audioClient;

    public ServerControlPlane(IDatagramTransport transport, ControlInbox inbox, AudioPath audio, NodeEventWriter events, ILogger logger,
        string nodeId, StreamFormats formats, int maxClients, IReadOnlyList<IPNetwork> allow, int heartbeatMs, int timeoutMs)
        : base(transport, inbox, audio, events, logger, nodeId, Math.Clamp(heartbeatMs / 20, 1, 5))
    {
        _formats = formats;
        var message = ServerMessage.Connect(formats);
        _connect = new byte[SyfalaCodec.GetEncodedLength(message)];
        SyfalaCodec.TryEncode(message, _connect, out _);
        Protocol = new ServerProtocol(this, maxClients, allow, heartbeatMs, timeoutMs);
    }

    /// <summary>The protocol state (read it from the control plane, or after Stop).</summary>
    public ServerProtocol Protocol { get; }

    /// <summary>Sessions (any state); approximate when read from another thread.</summary>
    public int Sessions => Protocol.SessionCount;

    void IServerProtocolHost.Send(IPEndPoint client, ServerMessageKind kind)
    {
        if (kind == ServerMessageKind.Connect)
        {
            SendTo(_connect, client);
            return;
        }

        _one[0] = (byte)kind;
        SendTo(_one, client);
    }

    bool IServerProtocolHost.TryStartAudio(IPEndPoint client)
    {
        _audioClient = client;
        return Audio.Activate(client.Serialize(), [.. _formats.Inputs], [.. _formats.Outputs], sending: true);
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
                Events.Publish(NodeEventKind.Info, (long)protocolEvent);
                break;
            default:
                Logger.LogInformation("{Node}: {Event} {Peer} {Detail}", NodeId, protocolEvent, peer, detail);
                break;
        }
    }

    /// <summary>Node stop: Disconnect to every client.</summary>
    public void Shutdown(long nowMs) => Protocol.DisconnectAll();

    protected override void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint source, long nowMs)
    {
        if (!SyfalaCodec.TryDecodeClient(datagram, out ClientMessage message, out _))
        {
            MalformedControl++;
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
