using System.Net;
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

    public ClientControlPlane(IDatagramTransport transport, ControlInbox inbox, AudioPath audio, NodeEventWriter events, ILogger logger,
        string nodeId, IPEndPoint discoveryTarget, bool broadcast, Func<StreamFormats, string?> checkFormats, SyfalaLimits limits,
        bool autoStart, int heartbeatMs, int timeoutMs, int discoveryPeriodMs)
        : base(transport, inbox, audio, events, logger, nodeId, Math.Clamp(heartbeatMs / 20, 1, 5))
    {
        _discoveryTarget = discoveryTarget;
        _checkFormats = checkFormats;
        _limits = limits;
        _target = broadcast ? $"broadcast {discoveryTarget}" : discoveryTarget.ToString();
        Protocol = new ClientProtocol(this, broadcast ? null : discoveryTarget, autoStart, heartbeatMs, timeoutMs, discoveryPeriodMs);
    }

    /// <summary>The protocol state (read it from the control plane, or for monitoring: approximate).</summary>
    public ClientProtocol Protocol { get; }

    void IClientProtocolHost.SendDiscovery()
    {
        _one[0] = (byte)ClientMessageKind.Discovery;
        SendTo(_one, _discoveryTarget);
    }

    void IClientProtocolHost.Send(IPEndPoint server, ClientMessageKind kind)
    {
        _one[0] = (byte)kind;
        SendTo(_one, server);
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
                Events.Publish(NodeEventKind.Info, (long)protocolEvent);
                break;
            default:
                Logger.LogInformation("{Node}: {Event} {Peer} {Detail}", NodeId, protocolEvent, peer, detail);
                break;
        }
    }

    /// <summary>Node stop: StopIO and Disconnect.</summary>
    public void Shutdown(long nowMs) => Protocol.Shutdown();

    protected override void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint source, long nowMs)
    {
        if (!SyfalaCodec.TryDecodeServer(datagram, _limits, out ServerMessage message, out _, out DecodeError error))
        {
            MalformedControl++;
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
