using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

// Design: what the protocol ignores or refuses is only counted (ServerProtocol.Counters; TCP connections refused by the
// accept task: _tcpRefused), and this control plane writes one summary line per LogRateLimiter window when anything
// was counted; lines about single sessions pass the same limiter. So a flood of any kind, at any rate, adds at most
// LogRateLimiter.MaxLinesPerInterval lines a second. The receiver thread never logs: it only counts.

/// <summary>The server node's control plane: decodes client datagrams and runs <see cref="ServerProtocol"/>.</summary>
internal sealed partial class ServerControlPlane : ControlPlane, IServerProtocolHost
{
    private readonly StreamFormats _formats;
    private readonly byte[] _connect;
    private readonly byte[] _one = new byte[1];
    private readonly ConcurrentDictionary<IPEndPoint, TcpControlLink> _links = new();
    private readonly CancellationTokenSource _acceptCancel = new();
    private readonly int _maxLinks;
    private readonly ServerAdmission _admission;
    private readonly LogRateLimiter _log = new();
    private Socket? _listener;
    private IPEndPoint? _audioClient;
    private long _tcpRefused;
    private long _reportedTcpRefused;
    private AdmissionCounters _reported;
    private long _now;
    private long _linkScanMs;

    public ServerControlPlane(IDatagramTransport transport, ControlInbox inbox, AudioPath audio, NodeEventWriter events, ILogger logger,
        string nodeId, StreamFormats formats, int maxClients, IReadOnlyList<IPNetwork> allow, int heartbeatMs, int timeoutMs, ServerAdmission admission)
        : base(transport, inbox, audio, events, logger, nodeId, Math.Clamp(heartbeatMs / 20, 1, 5))
    {
        _formats = formats;
        _maxLinks = maxClients;
        _admission = admission;
        var message = ServerMessage.Connect(formats);
        _connect = new byte[SyfalaCodec.GetEncodedLength(message)];
        SyfalaCodec.TryEncode(message, _connect, out _);
        Protocol = new ServerProtocol(this, maxClients, allow, heartbeatMs, timeoutMs, admission);
    }

    /// <summary>TCP control connections refused at accept (allow list, per-address limit, max_clients). Any thread.</summary>
    public long TcpRefused => Interlocked.Read(ref _tcpRefused);

    /// <summary>Session log lines left out by the rate limit, in all (control plane; approximate elsewhere).</summary>
    public long LogLinesSuppressed => _log.SuppressedTotal;

    /// <inheritdoc/>
    public override SyfalaStatistics WithControlCounters(SyfalaStatistics statistics)
    {
        AdmissionCounters c = Protocol.Counters;
        return statistics with
        {
            IgnoredUnknownPeer = c.UnknownPeer,
            RefusedNotAllowed = c.NotAllowed,
            RefusedMaxClients = c.OverMaxClients,
            RefusedPerAddress = c.OverPerAddress,
            RefusedHeldOff = c.HeldOff,
            IdleEvicted = c.IdleEvicted,
            TakeoverRefused = c.TakeoverRefused,
            TakenOver = c.TakenOver,
            HandshakesAbandoned = c.Abandoned,
            TcpRefused = TcpRefused,
            LogLinesSuppressed = LogLinesSuppressed,
        };
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

    void IServerProtocolHost.EndSession(IPEndPoint client)
    {
        if (_links.TryRemove(client, out TcpControlLink? link))
        {
            link.Dispose();
        }
    }

    long IServerProtocolHost.LastAudioMs(IPEndPoint client) =>
        client.Equals(_audioClient) ? TicksToMs(Audio.Receiver.LastAudioTicks) : long.MinValue;

    void IServerProtocolHost.Report(ProtocolEvent protocolEvent, IPEndPoint peer, int peerNumber, string detail)
    {
        NodeEventKind? kind = protocolEvent switch
        {
            ProtocolEvent.Connected => NodeEventKind.PeerConnected,
            ProtocolEvent.TimedOut or ProtocolEvent.Disconnected or ProtocolEvent.IdleEvicted or ProtocolEvent.TakenOver => NodeEventKind.PeerDisconnected,
            ProtocolEvent.Refused => NodeEventKind.PeerRefused,
            ProtocolEvent.IOStarted => NodeEventKind.IOStarted,
            ProtocolEvent.IOStopped => NodeEventKind.IOStopped,
            _ => null,
        };
        if (kind is { } k)
        {
            Events.Publish(k, peerNumber);
        }

        // Abandoned handshakes are counted by the protocol and summed up; everything else about one session passes the limiter.
        if (protocolEvent == ProtocolEvent.Abandoned || !_log.TryTakeSessionLine(_now))
        {
            return;
        }

        switch (protocolEvent)
        {
            case ProtocolEvent.Connected:
                Logger.LogInformation("{Node}: client {Peer} connected (peer {Number})", NodeId, peer, peerNumber);
                break;
            case ProtocolEvent.TimedOut or ProtocolEvent.Disconnected or ProtocolEvent.IdleEvicted or ProtocolEvent.TakenOver:
                Logger.LogWarning("{Node}: client {Peer} lost: {Detail}", NodeId, peer, detail);
                break;
            case ProtocolEvent.Refused:
                Logger.LogWarning("{Node}: client {Peer} refused the connection: {Detail}", NodeId, peer, detail);
                break;
            default:
                Logger.LogInformation("{Node}: {Event} {Peer} {Detail}", NodeId, protocolEvent, peer, detail);
                break;
        }
    }

    /// <summary>Node stop: Disconnect to every client, then close the listener and the TCP connections.</summary>
    public override void Shutdown(long nowMs)
    {
        _now = nowMs;
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
        _now = nowMs;
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
            if (Protocol.IsAllowed(link.Remote.Address) && _links.Count < _maxLinks && LinksFrom(link.Remote.Address) < _admission.MaxClientsPerAddress
                && _links.TryAdd(link.Remote, link))
            {
                link.Start();
            }
            else
            {
                Interlocked.Increment(ref _tcpRefused);
                link.Dispose(); // not allowed, too many (in all or from its address), or a second connection from the same address and port
            }
        }
    }

    private int LinksFrom(IPAddress address)
    {
        int n = 0;
        foreach (IPEndPoint remote in _links.Keys)
        {
            n += remote.Address.Equals(address) ? 1 : 0;
        }

        return n;
    }

    protected override void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint source, long nowMs)
    {
        _now = nowMs;
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

    protected override void OnTick(long nowMs)
    {
        _now = nowMs;
        Protocol.OnTick(nowMs);
        CloseIdleLinks(nowMs);
        ReportAdmission(nowMs);
    }

    /// <summary>
    /// A TCP connection that never opened a session (or outlived it) holds a connection slot: close it once it is older
    /// than idle_timeout_ms. Scanned at most once a second, and only while there are more links than sessions (the
    /// steady state scans nothing, so allocates nothing).
    /// </summary>
    private void CloseIdleLinks(long nowMs)
    {
        if (_admission.IdleTimeoutMs <= 0 || _links.Count <= Protocol.SessionCount || nowMs - _linkScanMs < LogRateLimiter.IntervalMs)
        {
            return;
        }

        _linkScanMs = nowMs;
        foreach ((IPEndPoint remote, TcpControlLink link) in _links)
        {
            if (Protocol.StateOf(remote) is null && nowMs - link.OpenedMs > _admission.IdleTimeoutMs && _links.TryRemove(remote, out _))
            {
                link.Dispose();
            }
        }
    }

    /// <summary>One line per window for everything ignored or refused since the last one (see the design note).</summary>
    private void ReportAdmission(long nowMs)
    {
        if (!_log.SummaryDue(nowMs))
        {
            return;
        }

        AdmissionCounters c = Protocol.Counters;
        long tcp = TcpRefused;
        if (c == _reported && tcp == _reportedTcpRefused && _log.Suppressed == 0)
        {
            return;
        }

        AdmissionCounters r = _reported;
        LogAdmission(Logger, NodeId, (nowMs - _log.SummarySinceMs) / 1000.0,
            c.UnknownPeer - r.UnknownPeer, c.NotAllowed - r.NotAllowed, c.OverMaxClients - r.OverMaxClients, _maxLinks,
            c.OverPerAddress - r.OverPerAddress, _admission.MaxClientsPerAddress, c.HeldOff - r.HeldOff, c.Abandoned - r.Abandoned,
            c.IdleEvicted - r.IdleEvicted, c.TakeoverRefused - r.TakeoverRefused, c.TakenOver - r.TakenOver, _admission.TakeoverName,
            tcp - _reportedTcpRefused, _log.Suppressed);
        _reported = c;
        _reportedTcpRefused = tcp;
        _log.SummaryWritten(nowMs);
    }

    // Generated: IsEnabled first, values unboxed, so a disabled logger costs nothing. One line however many kinds were counted.
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Node}: admission, last {Seconds:F1} s: ignored {Unknown} message(s) from unknown peers; refused {NotAllowed} Discovery(s) outside allow, "
            + "{Full} over max_clients ({MaxClients}), {PerAddress} over max_clients_per_address ({PerAddressLimit}), {HeldOff} from idle-evicted addresses; "
            + "{Abandoned} handshake(s) never answered; disconnected {Idle} idle client(s); refused {TakeoverRefused} StartIO and granted {TakenOver} takeover(s) (takeover: {Takeover}); "
            + "refused {Tcp} TCP connection(s); {Suppressed} session line(s) not logged")]
    private static partial void LogAdmission(ILogger logger, string node, double seconds, long unknown, long notAllowed, long full, int maxClients,
        long perAddress, int perAddressLimit, long heldOff, long abandoned, long idle, long takeoverRefused, long takenOver, string takeover, long tcp, long suppressed);
}
