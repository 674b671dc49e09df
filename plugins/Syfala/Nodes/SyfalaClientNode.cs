using System.Globalization;
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
/// <c>syfala.client</c>: connects to a Syfala server (given, or found by broadcast discovery), checks its formats,
/// starts I/O and exchanges audio over UDP; reconnects by itself when the server is lost and comes back.
/// </summary>
/// <remarks>
/// <para>Ports: input <c>in</c> (or <c>in0</c> …) per entry of <c>outputs</c> — audio sent to the server; output
/// <c>out</c> (or <c>out0</c> …) per entry of <c>inputs</c> — audio received, silent until it arrives and while the
/// server is lost. The server's sample types may differ from those listed (any of the 12 is converted); its stream
/// and channel counts must match, and its sample rate too unless <c>resample: true</c>; otherwise it is refused
/// (ConnectionRefused) and reported.</para>
/// <para>Threads between <see cref="SyfalaNode.Start()"/> and <see cref="SyfalaNode.Stop"/>: a control-plane task, one UDP sender and one UDP
/// receiver thread; audio crosses to <see cref="SyfalaNode.Process"/> only through SPSC rings. Events: PeerConnected,
/// PeerDisconnected (value: connection number), Info (value: 3 = formats refused, 8 = StartIO refused).</para>
/// </remarks>
[NodeType("syfala.client", typeof(SyfalaClientParameters), Description = "Syfala protocol client: connects to a server (or discovers one) and exchanges audio over UDP.")]
public sealed class SyfalaClientNode : SyfalaNode
{
    // The resampler's limit (PolyphaseResampler: a kernel stretched more than 16 times is refused).
    private const int MaxRateRatio = 16;

    private readonly SyfalaClientParameters _parameters;
    private ClientControlPlane? _control;

    /// <summary>Creates the node (nothing is opened until <see cref="Prepare"/>). Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    /// <param name="logger">State changes and errors; optional.</param>
    /// <param name="meterFactory">Scope of the node's <c>SyfalaGraph</c> meter (counters per node and peer); optional.</param>
    public SyfalaClientNode(SyfalaClientParameters parameters, ILogger<SyfalaClientNode>? logger = null, IMeterFactory? meterFactory = null)
        : base(logger, meterFactory)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
    }

    /// <summary>Whether I/O with a server runs now. Any thread.</summary>
    public bool IsRunningIO => _control?.Protocol.State == ClientProtocol.ClientState.Running;

    /// <summary>The connected server, or null. Any thread (approximate).</summary>
    public IPEndPoint? Server => _control?.Protocol.Server;

    /// <summary>Why the last server was refused, or null. Any thread.</summary>
    public string? LastRefusal => _control?.Protocol.LastRefusal;

    internal ClientProtocol? Protocol => _control?.Protocol;

    private protected override ControlPlane? ControlPlane => _control;

    /// <summary>Resolves the server (or broadcast) address, opens the UDP socket and allocates rings, buffers and threads. Audio thread: no.</summary>
    /// <exception cref="NodeException">The server's name does not resolve, or no socket can be opened.</exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Transport is not null)
        {
            throw new InvalidOperationException("syfala.client has already been prepared.");
        }

        NodeId = context.NodeId;
        BlockFrames = context.MaxBlockFrames;
        AudioPath.CheckLatency(_parameters, context.MaxBlockFrames, _parameters.Inputs.Count); // a client receives the server's inputs
        SampleRate = context.SampleRate;
        string target = _parameters.Discover ? _parameters.Broadcast : _parameters.Server;
        IPEndPoint targetEndPoint;
        try
        {
            targetEndPoint = EndPointParser.Resolve(target);
            IPAddress any = targetEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            Transport = new UdpDatagramTransport(new IPEndPoint(any, 0), broadcast: _parameters.Discover);
        }
        catch (Exception e) when (e is SocketException or FormatException)
        {
            throw new NodeException($"syfala.client cannot reach {target}: {e.Message}", e);
        }

        var inbox = new ControlInbox();
        Audio = new AudioPath(Transport, inbox, atServer: false,
            _parameters.Outputs.Select(s => s.Channels).ToArray(), _parameters.Inputs.Select(s => s.Channels).ToArray(),
            context.SampleRate, context.MaxBlockFrames, _parameters);
        _control = new ClientControlPlane(Transport, inbox, Audio, context.Events, Logger, NodeId, targetEndPoint, _parameters.Discover,
            CheckFormats, _parameters.Limits, _parameters.AutoStart, _parameters.HeartbeatMs, _parameters.TimeoutMs, _parameters.DiscoveryPeriodMs,
            _parameters.Control == SyfalaControlTransport.Tcp);
        Metrics = new SyfalaNodeMetrics(MeterFactory, NodeId, () => Statistics, () => _control?.Protocol.Server?.ToString() ?? "");
    }

    /// <summary>Asks the server to start I/O (when auto_start is false, or after a StartIO refusal). Any thread.</summary>
    public void RequestStart() => _control?.Post(now => _control.Protocol.RequestStart(now));

    /// <summary>Asks the server to stop I/O; the connection stays. Any thread.</summary>
    public void RequestStop() => _control?.Post(now => _control.Protocol.RequestStop(now));

    /// <summary>Null when the server's formats fit this node's ports and the graph's rate; otherwise why not.</summary>
    internal string? CheckFormats(StreamFormats formats)
    {
        string? problem = Compare("inputs (server → client)", formats.Inputs, _parameters.Inputs)
            ?? Compare("outputs (client → server)", formats.Outputs, _parameters.Outputs);
        if (problem is not null)
        {
            return problem;
        }

        foreach (StreamFormat f in formats.Inputs.Concat(formats.Outputs))
        {
            if (f.SampleRate == SampleRate)
            {
                continue;
            }

            if (!_parameters.Resample)
            {
                return string.Format(CultureInfo.InvariantCulture,
                    "the server runs at {0} Hz and the graph at {1} Hz; set the graph's sample_rate to match, or resample: true", f.SampleRate, SampleRate);
            }

            if (f.SampleRate > SampleRate * MaxRateRatio || f.SampleRate < SampleRate / MaxRateRatio)
            {
                return string.Format(CultureInfo.InvariantCulture,
                    "the server runs at {0} Hz and the graph at {1} Hz: more than {2} times apart, beyond what resample: true converts", f.SampleRate, SampleRate, MaxRateRatio);
            }
        }

        return null;
    }

    private static string? Compare(string what, System.Collections.Immutable.ImmutableArray<StreamFormat> server, IReadOnlyList<SyfalaStreamParameters> expected)
    {
        if (server.Length != expected.Count)
        {
            return $"the server has {server.Length} {what} stream(s), this client expects {expected.Count}";
        }

        for (int i = 0; i < server.Length; i++)
        {
            if (server[i].ChannelCount != (uint)expected[i].Channels)
            {
                return $"{what} stream {i}: the server has {server[i].ChannelCount} channel(s), this client expects {expected[i].Channels}";
            }
        }

        return null;
    }
}
