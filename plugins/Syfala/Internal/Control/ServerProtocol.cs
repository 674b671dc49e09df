using System.Net;
using SyfalaGraph.Plugins.Syfala.Nodes;
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
//
// Admission (ServerAdmission; README "Server admission policy"). The protocol has no authentication, so a slot is
// bounded by time and by address, as sshd bounds unauthenticated connections (LoginGraceTime, MaxStartups) and Mumble
// connection attempts per address (autobanAttempts): a Discovery from a new peer passes the allow list, then the
// per-address limit, then max_clients; a session that does not run I/O is disconnected (Disconnect sent) once it has
// been idle for idle_timeout_ms since it was created or last stopped I/O — heartbeats, Discoveries and StartIO
// attempts do not reset that clock, so a peer that only keeps itself alive frees its slot in bounded time, and its
// address opens no new session for as long again (else it would discover again and win the slot back). A StartIO
// while another client's I/O runs follows the takeover policy (SyfalaTakeover); the holder that loses I/O is sent
// Disconnect. Nothing here logs or formats per ignored message: the counters (AdmissionCounters) are read by the
// control plane, which writes at most one summary line per interval.

/// <summary>Server protocol state machine (all sessions). Control plane only.</summary>
internal sealed class ServerProtocol
{
    private readonly IServerProtocolHost _host;
    private readonly int _maxClients;
    private readonly IReadOnlyList<IPNetwork> _allow;
    private readonly long _heartbeatMs;
    private readonly long _timeoutMs;
    private readonly ServerAdmission _admission;
    private readonly Dictionary<IPEndPoint, Session> _sessions = [];
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Dictionary<IPAddress, long> _heldOffUntilMs = [];
    private AdmissionCounters _counters;
    private int _nextPeerNumber = 1;

    /// <param name="host">Sending, audio and reporting.</param>
    /// <param name="maxClients">Largest number of sessions (any state).</param>
    /// <param name="allow">Networks a new peer must belong to (empty: everyone).</param>
    /// <param name="heartbeatMs">Interval between heartbeats to connected clients, ms.</param>
    /// <param name="timeoutMs">A session silent this long ends, ms.</param>
    /// <param name="admission">Per-address limit, idle timeout and takeover policy; null: <see cref="ServerAdmission.Default"/>.</param>
    public ServerProtocol(IServerProtocolHost host, int maxClients, IReadOnlyList<IPNetwork> allow, int heartbeatMs, int timeoutMs, ServerAdmission? admission = null)
    {
        _host = host;
        _maxClients = maxClients;
        _allow = allow;
        _heartbeatMs = heartbeatMs;
        _timeoutMs = timeoutMs;
        _admission = admission ?? ServerAdmission.Default;
    }

    /// <summary>Most addresses remembered in their hold-off after an idle eviction.</summary>
    public const int HeldOffAddresses = 1024;

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

    /// <summary>Ignored and refused messages, evictions and takeovers so far (control plane; approximate from another thread).</summary>
    public AdmissionCounters Counters => _counters;

    /// <summary>Messages from unknown peers that were ignored.</summary>
    public long IgnoredUnknown => _counters.UnknownPeer;

    /// <summary>Discoveries ignored because of the allow list.</summary>
    public long IgnoredNotAllowed => _counters.NotAllowed;

    /// <summary>Discoveries ignored because max_clients sessions exist.</summary>
    public long IgnoredFull => _counters.OverMaxClients;

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
                _counters.UnknownPeer++;
                return;
            }

            if (!IsAllowed(from.Address))
            {
                _counters.NotAllowed++;
                return;
            }

            if (_heldOffUntilMs.TryGetValue(from.Address, out long until))
            {
                if (nowMs < until)
                {
                    _counters.HeldOff++;
                    return;
                }

                _heldOffUntilMs.Remove(from.Address);
            }

            if (_perAddress.GetValueOrDefault(from.Address) >= _admission.MaxClientsPerAddress)
            {
                _counters.OverPerAddress++;
                return;
            }

            if (_sessions.Count >= _maxClients)
            {
                _counters.OverMaxClients++;
                return;
            }

            session = new Session(_nextPeerNumber++) { LastHeardMs = nowMs, LastSentMs = nowMs, IdleSinceMs = nowMs };
            _sessions.Add(from, session);
            _perAddress[from.Address] = _perAddress.GetValueOrDefault(from.Address) + 1;
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
                StopIfRunning(from, session, nowMs);
                session.State = SessionState.Connected;
                _host.Report(ProtocolEvent.Connected, from, session.Number, "");
                break;
            case ClientMessageKind.ConnectionRefused or ClientMessageKind.ConnectionFailed when session.State == SessionState.Offered:
                Remove(from);
                _host.Report(ProtocolEvent.Refused, from, session.Number,
                    kind == ClientMessageKind.ConnectionRefused ? "the client cannot handle our formats" : "the client failed to connect");
                break;
            case ClientMessageKind.StartIO when session.State == SessionState.Running:
                _host.Send(from, ServerMessageKind.StartIOSuccess); // our answer was lost: say it again
                break;
            case ClientMessageKind.StartIO when session.State == SessionState.Connected:
                if (RunningClient is { } holder && !TryTakeOver(holder, nowMs))
                {
                    _counters.TakeoverRefused++; // counted, not reported one by one: a client may ask as often as it likes
                    _host.Send(from, ServerMessageKind.StartIOFailed);
                }
                else if (_host.TryStartAudio(from))
                {
                    session.State = SessionState.Running;
                    session.RunningSinceMs = nowMs;
                    RunningClient = from;
                    _host.Send(from, ServerMessageKind.StartIOSuccess);
                    _host.StartSending(from); // after the reply has left: no audio before StartIOSuccess
                    _host.Report(ProtocolEvent.IOStarted, from, session.Number, "");
                }
                else
                {
                    _host.Send(from, ServerMessageKind.StartIOFailed);
                    _host.Report(ProtocolEvent.StartFailed, from, session.Number, "the audio path could not start");
                }

                break;
            case ClientMessageKind.StartIO:
                _host.Send(from, ServerMessageKind.StartIORefused); // not connected yet
                break;
            case ClientMessageKind.StopIO when session.State == SessionState.Running:
                StopIfRunning(from, session, nowMs);
                _host.Send(from, ServerMessageKind.StopIOSuccess);
                break;
            case ClientMessageKind.StopIO when session.State == SessionState.Connected:
                _host.Send(from, ServerMessageKind.StopIOSuccess);
                break;
            case ClientMessageKind.StopIO:
                _host.Send(from, ServerMessageKind.StopIORefused);
                break;
            case ClientMessageKind.Disconnect:
                StopIfRunning(from, session, nowMs);
                Remove(from);
                _host.Report(session.State == SessionState.Offered ? ProtocolEvent.Abandoned : ProtocolEvent.Disconnected,
                    from, session.Number, "the client disconnected");
                break;
            default:
                break; // Heartbeat (liveness already noted), or a message that does not apply in this state
        }
    }

    /// <summary>Timeouts, idle evictions and heartbeats; call at least every few ms.</summary>
    public void OnTick(long nowMs)
    {
        List<IPEndPoint>? lost = null;
        List<IPEndPoint>? idle = null;
        foreach ((IPEndPoint client, Session session) in _sessions)
        {
            long heard = Math.Max(session.LastHeardMs, _host.LastAudioMs(client));
            if (nowMs - heard > _timeoutMs)
            {
                (lost ??= []).Add(client);
                continue;
            }

            if (session.State != SessionState.Running && _admission.IdleTimeoutMs > 0 && nowMs - session.IdleSinceMs > _admission.IdleTimeoutMs)
            {
                (idle ??= []).Add(client);
                continue;
            }

            // Only to a client that answered Connect (the reference starts heartbeats once the connection is established).
            if (session.State != SessionState.Offered && nowMs - session.LastSentMs >= _heartbeatMs)
            {
                session.LastSentMs = nowMs;
                _host.Send(client, ServerMessageKind.Heartbeat);
            }
        }

        for (int i = 0; i < (idle?.Count ?? 0); i++)
        {
            _counters.IdleEvicted++;
            HoldOff(idle![i].Address, nowMs);
            End(idle[i], ProtocolEvent.IdleEvicted, $"no I/O for more than idle_timeout_ms ({_admission.IdleTimeoutMs} ms)", nowMs);
        }

        for (int i = 0; i < (lost?.Count ?? 0); i++)
        {
            IPEndPoint client = lost![i];
            Session session = _sessions[client];
            StopIfRunning(client, session, nowMs);
            Remove(client);
            if (session.State == SessionState.Offered)
            {
                _counters.Abandoned++;
            }

            _host.Report(session.State == SessionState.Offered ? ProtocolEvent.Abandoned : ProtocolEvent.TimedOut,
                client, session.Number, $"no datagram for more than {_timeoutMs} ms");
        }
    }

    /// <summary>
    /// Whether the running <paramref name="holder"/> loses I/O to a client that asks (the takeover policy); if so it has
    /// been stopped, sent Disconnect and removed.
    /// </summary>
    private bool TryTakeOver(IPEndPoint holder, long nowMs)
    {
        Session session = _sessions[holder];
        bool take = _admission.Takeover switch
        {
            SyfalaTakeover.Newest => true,
            SyfalaTakeover.Idle => _admission.ReceivesAudio && _admission.IdleTimeoutMs > 0
                && nowMs - Math.Max(session.RunningSinceMs, _host.LastAudioMs(holder)) >= _admission.IdleTimeoutMs,
            _ => false,
        };
        if (take)
        {
            _counters.TakenOver++;
            End(holder, ProtocolEvent.TakenOver, $"another client took I/O over (takeover: {_admission.TakeoverName})", nowMs);
        }

        return take;
    }

    /// <summary>The server ends a session: I/O stopped, Disconnect sent, the session removed, its TCP link closed.</summary>
    private void End(IPEndPoint client, ProtocolEvent reason, string detail, long nowMs)
    {
        Session session = _sessions[client];
        StopIfRunning(client, session, nowMs);
        _host.Send(client, ServerMessageKind.Disconnect);
        Remove(client);
        _host.EndSession(client);
        _host.Report(reason, client, session.Number, detail);
    }

    /// <summary>
    /// An address whose session was evicted for idleness opens no new session for idle_timeout_ms: a peer that
    /// discovers again at once would otherwise take its slot back before a waiting client's next Discovery.
    /// </summary>
    private void HoldOff(IPAddress address, long nowMs)
    {
        if (_heldOffUntilMs.Count >= HeldOffAddresses)
        {
            _heldOffUntilMs.Clear(); // a bound on memory, not a policy: more evicted addresses than this is a flood from many
        }

        _heldOffUntilMs[address] = nowMs + _admission.IdleTimeoutMs;
    }

    private void Remove(IPEndPoint client)
    {
        _sessions.Remove(client);
        int left = _perAddress.GetValueOrDefault(client.Address) - 1;
        if (left > 0)
        {
            _perAddress[client.Address] = left;
        }
        else
        {
            _perAddress.Remove(client.Address);
        }
    }

    /// <summary>Disconnects every client (node stop).</summary>
    public void DisconnectAll()
    {
        foreach ((IPEndPoint client, Session session) in _sessions)
        {
            StopIfRunning(client, session, 0);
            _host.Send(client, ServerMessageKind.Disconnect);
        }

        _sessions.Clear();
        _perAddress.Clear();
    }

    private void StopIfRunning(IPEndPoint client, Session session, long nowMs)
    {
        if (session.State == SessionState.Running)
        {
            _host.StopAudio(client);
            RunningClient = null;
            session.State = SessionState.Connected;
            session.IdleSinceMs = nowMs; // the idle clock starts again when I/O stops
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

        /// <summary>When the session was created or last stopped I/O (the idle timeout counts from there).</summary>
        public long IdleSinceMs { get; set; }

        /// <summary>When its I/O started (the idle takeover counts from there until audio arrives).</summary>
        public long RunningSinceMs { get; set; }
    }
}
