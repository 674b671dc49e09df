using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.Syfala.Internal;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;

namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// What <see cref="SyfalaServerNode"/> and <see cref="SyfalaClientNode"/> share: a UDP socket, the audio path (one
/// sender and one receiver thread, SPSC rings to <see cref="Process"/>), a control plane, metrics, and the order
/// in which they start, stop and are disposed. The subclasses open the socket and build the control plane in
/// <see cref="AudioNode.Prepare"/>. With <c>drive: true</c> the node is also its clock domain's driver
/// (<see cref="IDriverNode"/>): the graph runs a block each time a block of audio has arrived from the peer.
/// </summary>
public abstract class SyfalaNode : AudioNode, IServiceNode, IDriverNode, IDecoupledNode
{
    private bool _started;
    private bool _stopped;
    private NetworkDriver? _driver;

    /// <summary>Creates the node (nothing is opened until Prepare). Audio thread: no.</summary>
    /// <param name="logger">State changes and errors; optional.</param>
    /// <param name="meterFactory">Scope of the node's <c>SyfalaGraph</c> meter (counters per node and peer); optional.</param>
    private protected SyfalaNode(ILogger? logger, IMeterFactory? meterFactory)
    {
        Logger = logger ?? NullLogger.Instance;
        MeterFactory = meterFactory;
    }

    /// <summary>The bound UDP address (the actual port when port 0 was asked for), after Prepare.</summary>
    public IPEndPoint? LocalEndPoint => Transport?.LocalEndPoint;

    /// <summary>Counters (snapshot). Any thread.</summary>
    public SyfalaStatistics Statistics
    {
        get
        {
            if (Audio is null)
            {
                return default;
            }

            SyfalaStatistics audio = StatisticsSnapshot.Take(Audio, ControlPlane?.MalformedControl ?? 0);
            return ControlPlane?.WithControlCounters(audio) ?? audio;
        }
    }

    internal AudioPath? Audio { get; private protected set; }

    /// <summary>Bytes the control plane's ticks allocated so far (tests).</summary>
    internal long ControlAllocatedBytes => ControlPlane?.ControlAllocatedBytes ?? -1;

    /// <summary>The node's meter (tests listen to it).</summary>
    internal Meter? Meter => Metrics?.Meter;

    private protected ILogger Logger { get; }

    private protected IMeterFactory? MeterFactory { get; }

    private protected SyfalaNodeMetrics? Metrics { get; set; }

    private protected UdpDatagramTransport? Transport { get; set; }

    private protected string NodeId { get; set; } = "";

    private protected abstract ControlPlane? ControlPlane { get; }

    /// <summary>Starts the receiver, sender and control plane. Audio thread: no.</summary>
    /// <exception cref="InvalidOperationException">Called before Prepare.</exception>
    public void Start()
    {
        if (Audio is null || ControlPlane is null)
        {
            throw new InvalidOperationException($"{NodeId}: Start before Prepare.");
        }

        _started = true;
        Audio.Start("syfala " + NodeId);
        ControlPlane.Start();
        OnStarted();
    }

    /// <inheritdoc />
    public double? ImposedSampleRate => null;

    /// <inheritdoc />
    public int? ImposedBlockFrames => null;

    /// <summary>Blocks run because audio arrived (<c>drive: true</c>); the others freewheeled while nothing arrived.</summary>
    public long NetworkDrivenBlocks => _driver?.NetworkBlocks ?? 0;

    /// <summary>
    /// <c>drive: true</c>: runs <paramref name="cycle"/> each time a block has arrived on the first received stream
    /// (after <see cref="Start()"/>, which the engine calls first). Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">The node receives no stream to be driven by.</exception>
    public void Start(IGraphCycle cycle)
    {
        if (Audio is null || Audio.ReceiveBuffers.Count == 0)
        {
            throw new NodeException($"{NodeId}: drive: true needs a received stream to follow, and this node receives none");
        }

        _driver = new NetworkDriver(Audio, BlockFrames, SampleRate);
        _driver.Start(cycle, NodeId);
    }

    /// <summary>The graph's block and rate, for <c>drive: true</c> (set by the subclasses' Prepare).</summary>
    private protected int BlockFrames { get; set; }

    private protected double SampleRate { get; set; }

    /// <summary>Ends the protocol session (StopIO, Disconnect), then stops the threads (bounded: a few seconds). Audio thread: no.</summary>
    public void Stop()
    {
        _driver?.Stop(); // the domain first: no block runs after this
        if (!_started || _stopped)
        {
            return;
        }

        _stopped = true;
        ControlPlane?.Stop(ControlPlane.Shutdown);
        Audio?.Stop();
        if (Audio is not null)
        {
            Logger.LogInformation("{Node}: {Statistics}", NodeId, Statistics);
        }

        if (_driver is not null)
        {
            Logger.LogInformation("{Node}: drove {Blocks} blocks from arriving audio (the others freewheeled while no peer ran I/O)", NodeId, _driver.NetworkBlocks);
        }
    }

    /// <summary>
    /// Fills each output from its receive buffer (silence while priming, after an underflow, and while no peer runs
    /// I/O). The outputs do not depend on this block's inputs (a decoupled node: a graph may feed what it receives
    /// back into it, as a far side that loops the audio back does). Audio thread: yes (no allocation, no lock).
    /// </summary>
    public override void Process(in ProcessContext context)
    {
        if (Audio is null)
        {
            for (int i = 0; i < context.OutputCount; i++)
            {
                context.OutputBuffer(i).Clear(context.Frames);
            }

            return;
        }

        Audio.Receive(context);
    }

    /// <summary>Hands each input block to the sender thread while I/O runs. Audio thread: yes (no allocation, no lock).</summary>
    public void ProcessSink(in ProcessContext context) => Audio?.Send(context);

    /// <summary>After <see cref="Start()"/> started everything (the server logs where it listens).</summary>
    private protected virtual void OnStarted()
    {
    }

    /// <summary>Marks the node stopped without a protocol goodbye (tests that simulate a killed process).</summary>
    private protected void MarkStopped() => _stopped = true;

    /// <summary>Stops everything and closes the socket. Audio thread: no.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stop(); // threads never outlive the node, even when the engine disposes without stopping
            Audio?.Dispose();
            Metrics?.Dispose();
            Transport?.Dispose();
        }

        base.Dispose(disposing);
    }
}
