using System.Text;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Plugins.Jack.Internal;
using SyfalaGraph.Plugins.Jack.Interop;

namespace SyfalaGraph.Plugins.Jack;

/// <summary>The control thread of <see cref="JackClientNode"/>: connect rules, change reports, reconnection after a server shutdown.</summary>
public sealed unsafe partial class JackClientNode
{
    private const int PollMilliseconds = 50;
    private const int ReconnectPollMilliseconds = 250;

    // A re-opened client JACK has not run for this long is closed and opened again (see ReportStall), at most
    // MaxStallRecoveries times in a row.
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(1);
    private const int MaxStallRecoveries = 5;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly HashSet<(string, string)> _failedPairs = [];
    private Thread? _controlThread;
    private bool _controlThreadStuck;
    private int _loggedBufferFrames;
    private long _reopenedAtTicks;
    private bool _stallLogged;
    private int _stallRecoveries;
    private int _loggedSampleRate;

    private void Wake() => _wake.Set();

    private void StartControlThread()
    {
        _loggedBufferFrames = _openBufferFrames;
        _loggedSampleRate = (int)_sampleRate;
        Volatile.Write(ref _connectPending, 1);
        _controlThread = new Thread(ControlLoop) { Name = $"jack control {_nodeId}", IsBackground = true };
        _controlThread.Start();
    }

    private void StopControlThread()
    {
        Thread? thread = _controlThread;
        _controlThread = null;
        if (thread is null)
        {
            return;
        }

        _wake.Set();
        if (!thread.Join(TimeSpan.FromSeconds(10)))
        {
            _controlThreadStuck = true; // keep _wake alive for it
            _logger.LogWarning("jack.client {Node}: the control thread did not stop within 10 s", _nodeId);
        }
    }

    private void ControlLoop()
    {
        while (!_stopping)
        {
            _wake.Wait(PollMilliseconds);
            _wake.Reset();
            if (_stopping)
            {
                return;
            }

            try
            {
                if (Interlocked.Exchange(ref _shutdownFlag, 0) == 1)
                {
                    HandleShutdown();
                    continue;
                }

                ReportChanges();
                RecoverStall();
                if (Interlocked.Exchange(ref _connectPending, 0) == 1)
                {
                    ApplyConnections();
                }
            }
            catch (Exception ex)
            {
                _logger.LogError("jack.client {Node}: control thread: {Message}", _nodeId, ex.Message);
            }
        }
    }

    // A re-opened client that JACK never runs (the jackd2 issue described in Internal/JackProcessClients.cs) is closed
    // and opened again: a fresh client is run normally. After MaxStallRecoveries attempts in a row it is reported.
    private void RecoverStall()
    {
        if (!_awaitingFirstCallback || _stallLogged || _serverDown
            || System.Diagnostics.Stopwatch.GetElapsedTime(_reopenedAtTicks) < StallTimeout)
        {
            return;
        }

        if (_stallRecoveries >= MaxStallRecoveries)
        {
            _stallLogged = true;
            _logger.LogError(
                "jack.client {Node}: JACK has not called the re-opened client '{Client}' after {Attempts} attempts (jackd logs it as 'not finished'): restart the graph",
                _nodeId, ClientName, _stallRecoveries);
            return;
        }

        _stallRecoveries++;
        _logger.LogWarning(
            "jack.client {Node}: JACK has not called the re-opened client '{Client}' for {Seconds} s (jackd logs it as 'not finished'); closing and opening it again ({Attempt}/{Max})",
            _nodeId, ClientName, StallTimeout.TotalSeconds, _stallRecoveries, MaxStallRecoveries);
        lock (_control)
        {
            CloseClient();
        }

        StallReopenedClientForTests = false;
        ReopenWhenBack();
    }

    private void ReportChanges()
    {
        int frames = Volatile.Read(ref _serverBufferFrames);
        if (frames != _loggedBufferFrames)
        {
            _loggedBufferFrames = frames;
            _logger.LogWarning(
                "jack.client {Node}: JACK period changed to {Frames} frames; the graph keeps its block of {Block} frames and runs {Runs} block(s) per period",
                _nodeId, frames, _blockFrames, (frames + _blockFrames - 1) / Math.Max(1, _blockFrames));
        }

        int rate = Volatile.Read(ref _serverSampleRate);
        if (rate != _loggedSampleRate)
        {
            _loggedSampleRate = rate;
            _logger.LogError(
                "jack.client {Node}: JACK sample rate changed to {Rate} Hz; the graph was prepared at {GraphRate} Hz and keeps running at that rate (pitch and timing are off): restart the graph",
                _nodeId, rate, _sampleRate);
        }
    }

    /// <summary>Connects every pair the rules ask for that is not connected yet. Control thread only.</summary>
    private void ApplyConnections()
    {
        if (_rules.IsEmpty)
        {
            return;
        }

        lock (_control)
        {
            nint client = _client;
            if (client == 0 || _stopping || _serverDown)
            {
                return;
            }

            byte[] type = JackClientOpener.Utf8(JackNative.DefaultAudioType);
            List<string> outputs;
            List<string> inputs;
            fixed (byte* pType = type)
            {
                outputs = JackNative.TakeStringArray(JackNative.GetPorts(client, null, pType, new CULong((nuint)JackNative.JackPortIsOutput)));
                inputs = JackNative.TakeStringArray(JackNative.GetPorts(client, null, pType, new CULong((nuint)JackNative.JackPortIsInput)));
            }

            var existing = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach ((string source, string destination) in _rules.Pairs(outputs, inputs, ClientName))
            {
                if (!existing.TryGetValue(source, out HashSet<string>? connected))
                {
                    connected = Connections(client, source);
                    existing[source] = connected;
                }

                if (connected.Contains(destination))
                {
                    continue;
                }

                byte[] s = JackClientOpener.Utf8(source);
                byte[] d = JackClientOpener.Utf8(destination);
                int result;
                fixed (byte* ps = s)
                fixed (byte* pd = d)
                {
                    result = JackNative.Connect(client, ps, pd);
                }

                if (result == 0 || result == JackNative.EEXIST)
                {
                    connected.Add(destination);
                    if (result == 0)
                    {
                        Interlocked.Increment(ref _connectionsMade);
                        _logger.LogInformation("jack.client {Node}: connected {Source} -> {Destination}", _nodeId, source, destination);
                    }
                }
                else if (_failedPairs.Add((source, destination)))
                {
                    _logger.LogWarning("jack.client {Node}: jack_connect {Source} -> {Destination} failed ({Result})", _nodeId, source, destination, result);
                }
            }
        }
    }

    private static HashSet<string> Connections(nint client, string portName)
    {
        byte[] name = JackClientOpener.Utf8(portName);
        fixed (byte* pName = name)
        {
            nint port = JackNative.PortByName(client, pName);
            return port == 0 ? [] : new HashSet<string>(JackNative.TakeStringArray(JackNative.PortGetAllConnections(client, port)), StringComparer.Ordinal);
        }
    }

    /// <summary>After a server shutdown: closes the dead client, then (with reconnect) waits for the server and re-opens everything.</summary>
    private void HandleShutdown()
    {
        int status = Volatile.Read(ref _shutdownStatus);
        int length = Array.IndexOf(_shutdownReason, (byte)0);
        string reason = Encoding.UTF8.GetString(_shutdownReason, 0, length < 0 ? _shutdownReason.Length : length);
        _logger.LogWarning("jack.client {Node}: JACK server '{Server}' shut the client down ({Status}): {Reason}{Then}",
            _nodeId, ServerName, JackNative.DescribeStatus(status), reason,
            _parameters.Reconnect ? "; waiting for the server to come back" : "; reconnect is off: the node stays silent");
        lock (_control)
        {
            CloseClient();
        }

        if (!_parameters.Reconnect)
        {
            return;
        }

        _stallRecoveries = 0;
        ReopenWhenBack();
    }

    // Tries to re-open the client until it works or the node stops, then re-applies the connect rules.
    private void ReopenWhenBack()
    {
        bool rateLogged = false;
        while (!_stopping)
        {
            _wake.Wait(ReconnectPollMilliseconds);
            _wake.Reset();
            if (_stopping)
            {
                return;
            }

            if (TryReopen(ref rateLogged))
            {
                break;
            }
        }

        if (_stopping)
        {
            return;
        }

        Interlocked.Increment(ref _reconnects);
        _logger.LogInformation("jack.client {Node}: reconnected to JACK server '{Server}' as '{Client}' ({Frames} frames per period)",
            _nodeId, ServerName, ClientName, ServerBufferFrames);
        _failedPairs.Clear();
        Volatile.Write(ref _connectPending, 1);
        _wake.Set();
    }

    /// <summary>
    /// One attempt to re-open the client after a shutdown: open, callbacks, ports, activation, all under the node's lock
    /// and the process-wide client gate (one client at a time). False when the server is not back (or not usable) yet.
    /// </summary>
    private bool TryReopen(ref bool rateLogged)
    {
        lock (_control)
        lock (JackProcessClients.Gate)
        {
            if (_stopping)
            {
                return false;
            }

            nint client = JackProcessClients.Open(_parameters.ClientName, _parameters.ServerName, this, out _);
            if (client == 0)
            {
                return false;
            }

            uint rate = JackNative.GetSampleRate(client);
            if (Math.Abs(rate - _sampleRate) > 1e-9)
            {
                if (!rateLogged)
                {
                    rateLogged = true;
                    _logger.LogError("jack.client {Node}: JACK server '{Server}' is back at {Rate} Hz but the graph runs at {GraphRate} Hz; waiting for a server at {GraphRate} Hz",
                        _nodeId, ServerName, rate, _sampleRate, _sampleRate);
                }

                JackProcessClients.Close(client);
                return false;
            }

            try
            {
                InstallCallbacks(client);
                RegisterPorts(client);
            }
            catch (Exception ex)
            {
                _logger.LogError("jack.client {Node}: re-opening the client failed: {Message}", _nodeId, ex.Message);
                JackProcessClients.Close(client);
                return false;
            }

            // No callback of the old client runs any more (it is closed): the process thread of the new one starts
            // with jack_activate, after the ports, buffers and warm-up flag are in place.
            Volatile.Write(ref _clientName, JackNative.Text(JackNative.GetClientName(client)) ?? _parameters.ClientName);
            _warmedUp = false;
            _awaitingFirstCallback = true;
            _reopenedAtTicks = System.Diagnostics.Stopwatch.GetTimestamp();
            _stallLogged = false;
            Volatile.Write(ref _serverBufferFrames, (int)JackNative.GetBufferSize(client));
            Volatile.Write(ref _serverSampleRate, (int)rate);
            int error = JackNative.Activate(client);
            if (error != 0)
            {
                _logger.LogError("jack.client {Node}: jack_activate failed ({Error}) after the server came back", _nodeId, error);
                JackProcessClients.Close(client);
                return false;
            }

            _serverDown = false;
            _client = client;
            return true;
        }
    }
}
