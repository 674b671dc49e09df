using System.Net;
using System.Net.Sockets;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
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
/// <para>Threads between <see cref="SyfalaNode.Start()"/> and <see cref="SyfalaNode.Stop"/>: a control-plane task (all protocol state), one
/// UDP sender and one UDP receiver thread; audio crosses to <see cref="SyfalaNode.Process"/> only through SPSC rings. One
/// client at a time runs I/O; a StartIO from another follows <c>takeover</c> (refused with StartIOFailed, so it retries,
/// or granted after the holder is disconnected). Sessions are bounded by <c>max_clients</c>, <c>max_clients_per_address</c>,
/// <c>allow</c> and <c>idle_timeout_ms</c>; what they refuse is counted in <see cref="SyfalaNode.Statistics"/> and summed
/// up in one log line a second at most. Events: PeerConnected, PeerDisconnected (value: the server's peer number),
/// PeerRefused, IOStarted, IOStopped.</para>
/// </remarks>
[NodeType("syfala.server", typeof(SyfalaServerParameters), Description = "Syfala protocol server: clients connect and exchange audio over UDP (wire-compatible with the reference).")]
public sealed class SyfalaServerNode : SyfalaNode
{
    private readonly SyfalaServerParameters _parameters;
    private ServerControlPlane? _control;

    /// <summary>Creates the node (nothing is opened until <see cref="Prepare"/>). Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    /// <param name="logger">State changes and errors; optional.</param>
    /// <param name="meterFactory">Scope of the node's <c>SyfalaGraph</c> meter (counters per node and peer); optional.</param>
    public SyfalaServerNode(SyfalaServerParameters parameters, ILogger<SyfalaServerNode>? logger = null, IMeterFactory? meterFactory = null)
        : base(logger, meterFactory)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
    }

    /// <summary>The formats advertised in Connect (known after <see cref="Prepare"/>).</summary>
    public StreamFormats? Formats { get; private set; }

    /// <summary>Open TCP control connections (<c>control: tcp</c>). Any thread.</summary>
    public int TcpControlConnections => _control?.TcpLinks ?? 0;

    /// <summary>Connected client sessions (any state). Any thread (approximate).</summary>
    public int ConnectedClients => _control?.Sessions ?? 0;

    /// <summary>Whether a client's I/O session runs now. Any thread.</summary>
    public bool IsRunningIO => Audio?.Session is not null;

    /// <summary>Messages from unknown peers ignored, discoveries refused by the allow list or by max_clients (control plane counters).</summary>
    public (long UnknownPeer, long NotAllowed, long Full) IgnoredDiscoveries =>
        _control is null ? default : (_control.Protocol.IgnoredUnknown, _control.Protocol.IgnoredNotAllowed, _control.Protocol.IgnoredFull);

    private protected override ControlPlane? ControlPlane => _control;

    /// <summary>
    /// Builds the advertised formats at the graph's rate, binds the UDP socket and allocates rings, buffers and
    /// threads (not started). Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">The address cannot be bound, or the allow list is invalid.</exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Transport is not null)
        {
            throw new InvalidOperationException("syfala.server has already been prepared.");
        }

        NodeId = context.NodeId;
        BlockFrames = context.MaxBlockFrames;
        AudioPath.CheckLatency(_parameters, context.MaxBlockFrames, _parameters.Outputs.Count); // a server receives its outputs
        SampleRate = context.SampleRate;
        Formats = new StreamFormats(
            _parameters.Inputs.Select(s => ToFormat(s, context.SampleRate)).ToArray(),
            _parameters.Outputs.Select(s => ToFormat(s, context.SampleRate)).ToArray());
        if (EndPointParser.TryParseNetworks(_parameters.Allow, out List<IPNetwork> allow) is { } allowError)
        {
            throw new NodeException(allowError);
        }

        try
        {
            Transport = new UdpDatagramTransport(EndPointParser.Resolve(_parameters.Bind), broadcast: false);
        }
        catch (Exception e) when (e is SocketException or FormatException)
        {
            throw new NodeException($"syfala.server cannot listen on {_parameters.Bind}: {e.Message}", e);
        }

        var inbox = new ControlInbox();
        Audio = new AudioPath(Transport, inbox, atServer: true,
            _parameters.Inputs.Select(s => s.Channels).ToArray(), _parameters.Outputs.Select(s => s.Channels).ToArray(),
            context.SampleRate, context.MaxBlockFrames, _parameters);
        _control = new ServerControlPlane(Transport, inbox, Audio, context.Events, Logger, NodeId, Formats,
            _parameters.MaxClients, allow, _parameters.HeartbeatMs, _parameters.TimeoutMs,
            new ServerAdmission(_parameters.MaxClientsPerAddress, _parameters.IdleTimeoutMs, _parameters.Takeover, ReceivesAudio: _parameters.Outputs.Count > 0));
        if (_parameters.Control == SyfalaControlTransport.Tcp)
        {
            try
            {
                _control.ListenTcp(Transport.LocalEndPoint);
            }
            catch (SocketException e)
            {
                Transport.Dispose();
                throw new NodeException($"syfala.server cannot listen on tcp {Transport.LocalEndPoint}: {e.Message}", e);
            }
        }

        Metrics = new SyfalaNodeMetrics(MeterFactory, NodeId, () => Statistics, () => _control?.Protocol.RunningClient?.ToString() ?? "", admission: true);
    }

    private protected override void OnStarted() =>
        Logger.LogInformation("{Node}: listening on udp{Tcp} {Address}, formats {Formats}", NodeId,
            _parameters.Control == SyfalaControlTransport.Tcp ? " and tcp" : "", Transport!.LocalEndPoint, Formats);

    /// <summary>Tests: vanish like a killed process (no Disconnect), closing the socket so the port can be reused.</summary>
    internal void Kill()
    {
        MarkStopped();
        _control?.Stop(_ => { });
        _control?.CloseTcp();
        Audio?.Stop();
        Transport?.Dispose();
    }

    private static StreamFormat ToFormat(SyfalaStreamParameters s, double rate) =>
        new(rate, (uint)s.Channels, (uint)s.BufferFrames, s.SampleType);
}
