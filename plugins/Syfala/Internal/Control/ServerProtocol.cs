using System.Net;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

// Design: the server's protocol state, owned by one control-plane task (never touched by another thread), written
// against IServerProtocolHost so tests drive it message by message with a fake clock. Per client session:
//
//   (unknown) --Discovery[allowed, room]--> Offered --ConnectionSuccess--> Connected --StartIO[host prepares+anchors]--> Running
//   Offered --ConnectionRefused/Failed--> (removed)         Connected <--StopIO-- Running
//   any --Disconnect / timeout--> (removed)                 Connected --StartIO[host cannot]--> Connected + StartIOFailed
//   Connected/Running --ConnectionSuccess--> Connected (the client did the handshake again: it had lost its state)
//
// A Discovery from a known client is answered with Connect again and changes nothing else: the reference client's
// discovery beacon keeps broadcasting Discovery after it has connected, and ignores a Connect from a server it is
// connected to (shared/protocol/SYFALA-WIRE.md, "What the protocol leaves open"). A client that really lost its state
// is recognised when it answers that Connect with ConnectionSuccess (the reference never sends it twice), or by a new
// source port (a new session; the old one times out). StartIOSuccess leaves before the first audio datagram: the
// reference client drops audio while its StartIO is pending. Heartbeats go only to clients that answered Connect.
// StartIO/StopIO are idempotent (the answer is resent). Only one session runs I/O at a time: the graph ports are one
// set of streams. Unknown peers are ignored except for Discovery; each ignored message is counted.

/// <summary>Server protocol state machine (all sessions). Control plane only.</summary>
internal sealed class ServerProtocol
{
    private readonly IServerProtocolHost _host;
    private readonly int _maxClients;
    private readonly IReadOnlyList<IPNetwork> _allow;
    private readonly long _heartbeatMs;
    private readonly long _timeoutMs;
    private readonly Dictionary<IPEndPoint, Session> _sessions = [];
    private int _nextPeerNumber = 1;

    public ServerProtocol(IServerProtocolHost host, int maxClients, IReadOnlyList<IPNetwork> allow, int heartbeatMs, int timeoutMs)
    {
        _host = host;
        _maxClients = maxClients;
        _allow = allow;
        _heartbeatMs = heartbeatMs;
        _timeoutMs = timeoutMs;
    }

    /// <summary>The state of a client session.</summary>
    internal enum SessionState
    {
        /// <summary>Connect sent; waiting for ConnectionSuccess.</summary>
        Offered,

        /// <summary>Connected, I/O stopped.</summary>
        Connected,

        /// <summary>I/O running.</summary>
        Running,
    }

    /// <summary>Messages from unknown peers that were ignored.</summary>
    public long IgnoredUnknown { get; private set; }

    /// <summary>Discoveries ignored because of the allow list.</summary>
    public long IgnoredNotAllowed { get; private set; }

    /// <summary>Discoveries ignored because max_clients sessions exist.</summary>
    public long IgnoredFull { get; private set; }

    /// <summary>Client sessions (any state).</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>The client whose I/O runs, if any.</summary>
    public IPEndPoint? RunningClient { get; private set; }

    /// <summary>State of <paramref name="client"/>'s session, or null.</summary>
    public SessionState? StateOf(IPEndPoint client) => _sessions.TryGetValue(client, out Session? s) ? s.State : null;

    /// <summary>Handles one control message from <paramref name="from"/> at time <paramref name="nowMs"/>.</summary>
    public void OnMessage(IPEndPoint from, ClientMessageKind kind, long nowMs)
    {
        if (!_sessions.TryGetValue(from, out Session? session))
        {
            if (kind != ClientMessageKind.Discovery)
            {
                IgnoredUnknown++;
                return;
            }

            if (!IsAllowed(from.Address))
            {
                IgnoredNotAllowed++;
                _host.Report(ProtocolEvent.Ignored, from, 0, "not in the allow list");
                return;
            }

            if (_sessions.Count >= _maxClients)
            {
                IgnoredFull++;
                _host.Report(ProtocolEvent.Ignored, from, 0, $"max_clients ({_maxClients}) reached");
                return;
            }

            session = new Session(_nextPeerNumber++) { LastHeardMs = nowMs, LastSentMs = nowMs };
            _sessions.Add(from, session);
            _host.Send(from, ServerMessageKind.Connect);
            return;
        }

        session.LastHeardMs = nowMs;
        switch (kind)
        {
            case ClientMessageKind.Discovery:
                // Offered: our Connect was lost. Connected or Running: a beacon (liveness noted); the session goes on.
                _host.Send(from, ServerMessageKind.Connect);
                break;
            case ClientMessageKind.ConnectionSuccess:
                // After Offered, the handshake; otherwise the client answered a Connect again because it lost its state.
                StopIfRunning(from, session);
                session.State = SessionState.Connected;
                _host.Report(ProtocolEvent.Connected, from, session.Number, "");
                break;
            case ClientMessageKind.ConnectionRefused or ClientMessageKind.ConnectionFailed when session.State == SessionState.Offered:
                _sessions.Remove(from);
                _host.Report(ProtocolEvent.Refused, from, session.Number,
                    kind == ClientMessageKind.ConnectionRefused ? "the client cannot handle our formats" : "the client failed to connect");
                break;
            case ClientMessageKind.StartIO when session.State == SessionState.Running:
                _host.Send(from, ServerMessageKind.StartIOSuccess); // our answer was lost: say it again
                break;
            case ClientMessageKind.StartIO when session.State == SessionState.Connected:
                if (RunningClient is null && _host.TryStartAudio(from))
                {
                    session.State = SessionState.Running;
                    RunningClient = from;
                    _host.Send(from, ServerMessageKind.StartIOSuccess);
                    _host.StartSending(from); // after the reply has left: no audio before StartIOSuccess
                    _host.Report(ProtocolEvent.IOStarted, from, session.Number, "");
                }
                else
                {
                    _host.Send(from, ServerMessageKind.StartIOFailed);
                    _host.Report(ProtocolEvent.StartFailed, from, session.Number, "another client's I/O is running");
                }

                break;
            case ClientMessageKind.StartIO:
                _host.Send(from, ServerMessageKind.StartIORefused); // not connected yet
                break;
            case ClientMessageKind.StopIO when session.State == SessionState.Running:
                StopIfRunning(from, session);
                _host.Send(from, ServerMessageKind.StopIOSuccess);
                break;
            case ClientMessageKind.StopIO when session.State == SessionState.Connected:
                _host.Send(from, ServerMessageKind.StopIOSuccess);
                break;
            case ClientMessageKind.StopIO:
                _host.Send(from, ServerMessageKind.StopIORefused);
                break;
            case ClientMessageKind.Disconnect:
                StopIfRunning(from, session);
                _sessions.Remove(from);
                _host.Report(session.State == SessionState.Offered ? ProtocolEvent.Abandoned : ProtocolEvent.Disconnected,
                    from, session.Number, "the client disconnected");
                break;
            default:
                break; // Heartbeat (liveness already noted), or a message that does not apply in this state
        }
    }

    /// <summary>Timeouts and heartbeats; call at least every few ms.</summary>
    public void OnTick(long nowMs)
    {
        List<IPEndPoint>? lost = null;
        foreach ((IPEndPoint client, Session session) in _sessions)
        {
            long heard = Math.Max(session.LastHeardMs, _host.LastAudioMs(client));
            if (nowMs - heard > _timeoutMs)
            {
                (lost ??= []).Add(client);
                continue;
            }

            // Only to a client that answered Connect (the reference starts heartbeats once the connection is established).
            if (session.State != SessionState.Offered && nowMs - session.LastSentMs >= _heartbeatMs)
            {
                session.LastSentMs = nowMs;
                _host.Send(client, ServerMessageKind.Heartbeat);
            }
        }

        if (lost is null)
        {
            return;
        }

        foreach (IPEndPoint client in lost)
        {
            Session session = _sessions[client];
            StopIfRunning(client, session);
            _sessions.Remove(client);
            _host.Report(session.State == SessionState.Offered ? ProtocolEvent.Abandoned : ProtocolEvent.TimedOut,
                client, session.Number, $"no datagram for more than {_timeoutMs} ms");
        }
    }

    /// <summary>Disconnects every client (node stop).</summary>
    public void DisconnectAll()
    {
        foreach ((IPEndPoint client, Session session) in _sessions)
        {
            StopIfRunning(client, session);
            _host.Send(client, ServerMessageKind.Disconnect);
        }

        _sessions.Clear();
    }

    private void StopIfRunning(IPEndPoint client, Session session)
    {
        if (session.State == SessionState.Running)
        {
            _host.StopAudio(client);
            RunningClient = null;
            session.State = SessionState.Connected;
            _host.Report(ProtocolEvent.IOStopped, client, session.Number, "");
        }
    }

    /// <summary>Whether <paramref name="address"/> passes the allow list (empty list: everyone).</summary>
    public bool IsAllowed(IPAddress address)
    {
        if (_allow.Count == 0)
        {
            return true;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (IPNetwork network in _allow)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Session(int number)
    {
        public int Number { get; } = number;

        public SessionState State { get; set; } = SessionState.Offered;

        public long LastHeardMs { get; set; }

        public long LastSentMs { get; set; }
    }
}
