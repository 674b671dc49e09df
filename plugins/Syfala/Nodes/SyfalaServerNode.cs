using System.Net;
using System.Net.Sockets;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.Syfala.Internal;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// <c>syfala.server</c>: a Syfala protocol server (wire-compatible with the reference <c>syfala_network</c>). Clients
/// discover it, connect with its advertised formats, start I/O, and exchange audio over UDP.
/// </summary>
/// <remarks>
/// <para>Ports: input <c>in</c> (or <c>in0</c>, <c>in1</c> …) per entry of <c>inputs</c> — audio sent to the client;
/// output <c>out</c> (or <c>out0</c> …) per entry of <c>outputs</c> — audio received from the client, silent until it
/// arrives and after the client is lost. Planar float at the graph's rate, which is the rate advertised.</para>
/// <para>Threads between <see cref="Start"/> and <see cref="Stop"/>: a control-plane task (all protocol state), one
/// UDP sender and one UDP receiver thread; audio crosses to <see cref="Process"/> only through SPSC rings. One
/// client at a time runs I/O (others stay connected and get StartIOFailed, so they retry). Events: PeerConnected,
/// PeerDisconnected (value: the server's peer number), Info (value: 3 = a client refused our formats).</para>
/// </remarks>
[NodeType("syfala.server", typeof(SyfalaServerParameters), Description = "Syfala protocol server: clients connect and exchange audio over UDP (wire-compatible with the reference).")]
public sealed class SyfalaServerNode : AudioNode, IServiceNode
{
    private readonly SyfalaServerParameters _parameters;
    private readonly ILogger _logger;
    private readonly IMeterFactory? _meterFactory;
    private SyfalaNodeMetrics? _metrics;
    private UdpDatagramTransport? _transport;
    private AudioPath? _audio;
    private ServerControlPlane? _control;
    private string _nodeId = "";
    private bool _started;
    private bool _stopped;

    /// <summary>Creates the node (nothing is opened until <see cref="Prepare"/>). Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    /// <param name="logger">State changes and errors; optional.</param>
    /// <param name="meterFactory">Scope of the node's <c>SyfalaGraph</c> meter (counters per node and peer); optional.</param>
    public SyfalaServerNode(SyfalaServerParameters parameters, ILogger<SyfalaServerNode>? logger = null, IMeterFactory? meterFactory = null)
    {
        _meterFactory = meterFactory;
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The bound UDP address (the actual port when <c>bind</c> asked for port 0), after <see cref="Prepare"/>.</summary>
    public IPEndPoint? LocalEndPoint => _transport?.LocalEndPoint;

    /// <summary>The formats advertised in Connect (known after <see cref="Prepare"/>).</summary>
    public StreamFormats? Formats { get; private set; }

    /// <summary>Open TCP control connections (<c>control: tcp</c>). Any thread.</summary>
    public int TcpControlConnections => _control?.TcpLinks ?? 0;

    /// <summary>Connected client sessions (any state). Any thread (approximate).</summary>
    public int ConnectedClients => _control?.Sessions ?? 0;

    /// <summary>Whether a client's I/O session runs now. Any thread.</summary>
    public bool IsRunningIO => _audio?.Session is not null;

    /// <summary>Counters (snapshot). Any thread.</summary>
    public SyfalaStatistics Statistics => _audio is null ? default : StatisticsSnapshot.Take(_audio, _control?.MalformedControl ?? 0);

    /// <summary>Messages from unknown peers ignored, discoveries refused by the allow list or by max_clients (control plane counters).</summary>
    public (long UnknownPeer, long NotAllowed, long Full) IgnoredDiscoveries =>
        _control is null ? default : (_control.Protocol.IgnoredUnknown, _control.Protocol.IgnoredNotAllowed, _control.Protocol.IgnoredFull);

    internal AudioPath? Audio => _audio;

    /// <summary>Bytes the control plane's ticks allocated so far (tests).</summary>
    internal long ControlAllocatedBytes => _control?.ControlAllocatedBytes ?? -1;

    /// <summary>The node's meter (tests listen to it).</summary>
    internal Meter? Meter => _metrics?.Meter;

    /// <summary>
    /// Builds the advertised formats at the graph's rate, binds the UDP socket and allocates rings, buffers and
    /// threads (not started). Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">The address cannot be bound, or the allow list is invalid.</exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_transport is not null)
        {
            throw new InvalidOperationException("syfala.server has already been prepared.");
        }

        _nodeId = context.NodeId;
        Formats = new StreamFormats(
            _parameters.Inputs.Select(s => ToFormat(s, context.SampleRate)).ToArray(),
            _parameters.Outputs.Select(s => ToFormat(s, context.SampleRate)).ToArray());
        if (EndPointParser.TryParseNetworks(_parameters.Allow, out List<IPNetwork> allow) is { } allowError)
        {
            throw new NodeException(allowError);
        }

        try
        {
            _transport = new UdpDatagramTransport(EndPointParser.Resolve(_parameters.Bind), broadcast: false);
        }
        catch (Exception e) when (e is SocketException or FormatException)
        {
            throw new NodeException($"syfala.server cannot listen on {_parameters.Bind}: {e.Message}", e);
        }

        var inbox = new ControlInbox();
        _audio = new AudioPath(_transport, inbox, atServer: true,
            _parameters.Inputs.Select(s => s.Channels).ToArray(), _parameters.Outputs.Select(s => s.Channels).ToArray(),
            context.SampleRate, context.MaxBlockFrames, _parameters);
        _control = new ServerControlPlane(_transport, inbox, _audio, context.Events, _logger, _nodeId, Formats,
            _parameters.MaxClients, allow, _parameters.HeartbeatMs, _parameters.TimeoutMs);
        if (_parameters.Control == SyfalaControlTransport.Tcp)
        {
            try
            {
                _control.ListenTcp(_transport.LocalEndPoint);
            }
            catch (SocketException e)
            {
                _transport.Dispose();
                throw new NodeException($"syfala.server cannot listen on tcp {_transport.LocalEndPoint}: {e.Message}", e);
            }
        }

        _metrics = new SyfalaNodeMetrics(_meterFactory, _nodeId, () => Statistics, () => _control?.Protocol.RunningClient?.ToString() ?? "");
    }

    /// <summary>Starts the receiver, sender and control plane. Audio thread: no.</summary>
    /// <exception cref="InvalidOperationException">Called before <see cref="Prepare"/>.</exception>
    public void Start()
    {
        if (_audio is null || _control is null)
        {
            throw new InvalidOperationException("syfala.server: Start before Prepare.");
        }

        _started = true;
        _audio.Start("syfala " + _nodeId);
        _control.Start();
        _logger.LogInformation("{Node}: listening on udp{Tcp} {Address}, formats {Formats}", _nodeId,
            _parameters.Control == SyfalaControlTransport.Tcp ? " and tcp" : "", _transport!.LocalEndPoint, Formats);
    }

    /// <summary>Sends Disconnect to every client, then stops the threads (bounded: a few seconds). Audio thread: no.</summary>
    public void Stop()
    {
        if (!_started || _stopped)
        {
            return;
        }

        _stopped = true;
        if (_control is not null)
        {
            _control.Stop(_control.Shutdown);
        }

        _audio?.Stop();
        if (_audio is not null)
        {
            _logger.LogInformation("{Node}: {Statistics}", _nodeId, Statistics);
        }
    }

    /// <summary>Tests: vanish like a killed process (no Disconnect), closing the socket so the port can be reused.</summary>
    internal void Kill()
    {
        _stopped = true;
        _control?.Stop(_ => { });
        _control?.CloseTcp();
        _audio?.Stop();
        _transport?.Dispose();
    }

    /// <summary>
    /// Hands each input block to the sender (while a session runs) and fills each output from its jitter buffer
    /// (silence while priming, after an underflow and without a session). Audio thread: yes (no allocation, no lock).
    /// </summary>
    public override void Process(in ProcessContext context)
    {
        if (_audio is null)
        {
            for (int i = 0; i < context.OutputCount; i++)
            {
                context.OutputBuffer(i).Clear(context.Frames);
            }

            return;
        }

        _audio.Process(context);
    }

    /// <summary>Stops everything and closes the socket. Audio thread: no.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stop(); // threads never outlive the node, even when the engine disposes without stopping
            _metrics?.Dispose();
            _transport?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static StreamFormat ToFormat(SyfalaStreamParameters s, double rate) =>
        new(rate, (uint)s.Channels, (uint)s.BufferFrames, s.SampleType);
}
