using System.Net;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

// Design: the client's protocol state, owned by one control-plane task, written against IClientProtocolHost so
// tests drive it message by message with a fake clock.
//
//   Discovering --Connect(formats ok)--> Connected --[auto_start]--> StartPending --StartIOSuccess--> Running
//   Discovering --Connect(formats bad)--> Refused --(refused_retry_ms)--> Discovering
//   StartPending --StartIOFailed--> StartPending (retry after a back-off: 100 ms doubling, at most 5 s)
//   StartPending --no answer within the retry delay--> StartIO sent again
//   StartPending --StartIORefused--> Connected (given up, reported; no retry)
//   Running --StopIO requested--> StopPending --StopIOSuccess--> Connected
//   any connected state --timeout / Disconnect / Connect from the same server (it restarted)--> Discovering
//
// Unlike the reference client, StopIO is sent to stop I/O (the reference sends StartIO).

/// <summary>Client protocol state machine. Control plane only.</summary>
internal sealed class ClientProtocol
{
    internal const long MaxRetryDelayMs = 5000;
    internal const long FirstRetryDelayMs = 100;

    private readonly IClientProtocolHost _host;
    private readonly IPEndPoint? _expectedServer;
    private readonly bool _autoStart;
    private readonly long _heartbeatMs;
    private readonly long _timeoutMs;
    private readonly long _discoveryPeriodMs;
    private readonly long _refusedRetryMs;
    private long _lastHeardMs;
    private long _lastSentMs;
    private long _nextActionMs;
    private long _retryDelayMs = FirstRetryDelayMs;
    private int _connections;

    public ClientProtocol(IClientProtocolHost host, IPEndPoint? expectedServer, bool autoStart, int heartbeatMs, int timeoutMs,
        int discoveryPeriodMs, long refusedRetryMs = 5000)
    {
        _host = host;
        _expectedServer = expectedServer;
        _autoStart = autoStart;
        _heartbeatMs = heartbeatMs;
        _timeoutMs = timeoutMs;
        _discoveryPeriodMs = discoveryPeriodMs;
        _refusedRetryMs = refusedRetryMs;
        _nextActionMs = long.MinValue;
    }

    /// <summary>Client states.</summary>
    internal enum ClientState
    {
        /// <summary>Looking for a server (Discovery sent every discovery period).</summary>
        Discovering,

        /// <summary>Connected, I/O stopped.</summary>
        Connected,

        /// <summary>StartIO sent, waiting for the answer.</summary>
        StartPending,

        /// <summary>I/O running.</summary>
        Running,

        /// <summary>StopIO sent, waiting for the answer.</summary>
        StopPending,

        /// <summary>The server's formats were refused; discovery resumes after a while.</summary>
        Refused,
    }

    public ClientState State { get; private set; } = ClientState.Discovering;

    /// <summary>The connected server, or null.</summary>
    public IPEndPoint? Server { get; private set; }

    /// <summary>The connected server's formats, or null.</summary>
    public StreamFormats? Formats { get; private set; }

    /// <summary>StartIO attempts answered StartIOFailed since the last success.</summary>
    public int StartFailures { get; private set; }

    /// <summary>True after StartIORefused (no automatic retry until the next connection).</summary>
    public bool StartGivenUp { get; private set; }

    /// <summary>Why the last server was refused, or null.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>Messages ignored (from another address, or not applicable).</summary>
    public long Ignored { get; private set; }

    /// <summary>Handles one message from <paramref name="from"/> (<paramref name="formats"/> for Connect).</summary>
    public void OnMessage(IPEndPoint from, ServerMessageKind kind, StreamFormats? formats, long nowMs)
    {
        bool fromServer = Server is not null && Server.Equals(from);
        if (kind == ServerMessageKind.Connect && formats is not null)
        {
            OnConnect(from, formats, fromServer, nowMs);
            return;
        }

        if (!fromServer)
        {
            Ignored++;
            return;
        }

        _lastHeardMs = nowMs;
        switch (kind)
        {
            case ServerMessageKind.StartIOSuccess when State == ClientState.StartPending:
                State = ClientState.Running;
                StartFailures = 0;
                _retryDelayMs = FirstRetryDelayMs;
                _host.StartSending();
                _host.Report(ProtocolEvent.IOStarted, from, _connections, "");
                break;
            case ServerMessageKind.StartIOFailed when State == ClientState.StartPending:
                StartFailures++;
                _nextActionMs = nowMs + _retryDelayMs;
                _host.Report(ProtocolEvent.StartFailed, from, _connections, $"retry in {_retryDelayMs} ms");
                _retryDelayMs = Math.Min(_retryDelayMs * 2, MaxRetryDelayMs);
                break;
            case ServerMessageKind.StartIORefused when State == ClientState.StartPending:
                State = ClientState.Connected;
                StartGivenUp = true;
                _host.StopAudio();
                _host.Report(ProtocolEvent.StartRefused, from, _connections, "the server refused to start I/O; not retrying");
                break;
            case ServerMessageKind.StopIOSuccess when State == ClientState.StopPending:
                State = ClientState.Connected;
                _host.StopAudio();
                _host.Report(ProtocolEvent.IOStopped, from, _connections, "");
                break;
            case ServerMessageKind.StopIORefused or ServerMessageKind.StopIOFailed when State == ClientState.StopPending:
                State = ClientState.Running; // it keeps running; RequestStop may be called again
                break;
            case ServerMessageKind.Disconnect:
                Lose(ProtocolEvent.Disconnected, "the server disconnected", nowMs);
                break;
            default:
                break; // Heartbeat (liveness noted) or not applicable
        }
    }

    /// <summary>Asks for I/O to start (auto_start does this on connection).</summary>
    public void RequestStart(long nowMs)
    {
        if (State != ClientState.Connected || Server is null)
        {
            return;
        }

        StartGivenUp = false;
        State = ClientState.StartPending;
        _host.PrepareAudio(Server, Formats!);
        SendStart(nowMs);
    }

    /// <summary>Asks for I/O to stop.</summary>
    public void RequestStop(long nowMs)
    {
        if (State is ClientState.Running or ClientState.StartPending && Server is not null)
        {
            State = ClientState.StopPending;
            _host.Send(Server, ClientMessageKind.StopIO);
            _lastSentMs = nowMs;
            _nextActionMs = nowMs + Math.Max(2 * _heartbeatMs, 200);
        }
    }

    /// <summary>Node stop: StopIO (when running) and Disconnect, without waiting for answers.</summary>
    public void Shutdown()
    {
        if (Server is not null)
        {
            if (State is ClientState.Running or ClientState.StartPending or ClientState.StopPending)
            {
                _host.Send(Server, ClientMessageKind.StopIO);
            }

            _host.Send(Server, ClientMessageKind.Disconnect);
        }

        _host.StopAudio();
        Server = null;
        State = ClientState.Discovering;
    }

    /// <summary>Discovery, heartbeats, retries and the peer timeout; call at least every few ms.</summary>
    public void OnTick(long nowMs)
    {
        switch (State)
        {
            case ClientState.Discovering:
                if (nowMs >= _nextActionMs)
                {
                    _host.SendDiscovery();
                    _nextActionMs = nowMs + _discoveryPeriodMs;
                }

                return;
            case ClientState.Refused:
                if (nowMs >= _nextActionMs)
                {
                    State = ClientState.Discovering;
                    _nextActionMs = long.MinValue;
                }

                return;
        }

        long heard = Math.Max(_lastHeardMs, _host.LastAudioMs());
        if (nowMs - heard > _timeoutMs)
        {
            Lose(ProtocolEvent.TimedOut, $"no datagram for more than {_timeoutMs} ms", nowMs);
            return;
        }

        if (State == ClientState.StartPending && nowMs >= _nextActionMs)
        {
            SendStart(nowMs); // no answer (lost), or the back-off after StartIOFailed has passed
        }
        else if (State == ClientState.StopPending && nowMs >= _nextActionMs)
        {
            _host.Send(Server!, ClientMessageKind.StopIO);
            _nextActionMs = nowMs + Math.Max(2 * _heartbeatMs, 200);
            _lastSentMs = nowMs;
        }

        if (nowMs - _lastSentMs >= _heartbeatMs)
        {
            _lastSentMs = nowMs;
            _host.Send(Server!, ClientMessageKind.Heartbeat);
        }
    }

    private void OnConnect(IPEndPoint from, StreamFormats formats, bool fromServer, long nowMs)
    {
        if (_expectedServer is not null && !_expectedServer.Equals(from))
        {
            Ignored++;
            return;
        }

        if (Server is not null && !fromServer)
        {
            Ignored++; // another server answered a broadcast: we already have one
            return;
        }

        if (fromServer && State != ClientState.Discovering)
        {
            // The server lost our session (it restarted): do the handshake again.
            _host.StopAudio();
            Server = null;
        }

        if (State == ClientState.Refused)
        {
            Ignored++;
            return;
        }

        string? problem = _host.CheckFormats(formats);
        if (problem is not null)
        {
            _host.Send(from, ClientMessageKind.ConnectionRefused);
            State = ClientState.Refused;
            LastRefusal = problem;
            _nextActionMs = nowMs + _refusedRetryMs;
            _host.Report(ProtocolEvent.Refused, from, 0, problem);
            return;
        }

        Server = from;
        Formats = formats;
        State = ClientState.Connected;
        LastRefusal = null;
        _lastHeardMs = nowMs;
        _lastSentMs = nowMs;
        _retryDelayMs = FirstRetryDelayMs;
        StartFailures = 0;
        _connections++;
        _host.Send(from, ClientMessageKind.ConnectionSuccess);
        _host.Report(ProtocolEvent.Connected, from, _connections, formats.ToString());
        if (_autoStart)
        {
            RequestStart(nowMs);
        }
    }

    private void SendStart(long nowMs)
    {
        _host.Send(Server!, ClientMessageKind.StartIO);
        _lastSentMs = nowMs;
        _nextActionMs = nowMs + Math.Max(Math.Max(2 * _heartbeatMs, 200), _retryDelayMs);
    }

    private void Lose(ProtocolEvent why, string detail, long nowMs)
    {
        IPEndPoint? server = Server;
        _host.StopAudio();
        Server = null;
        Formats = null;
        State = ClientState.Discovering;
        _nextActionMs = nowMs; // rediscover at once
        _host.Report(why, server, _connections, detail);
    }
}
