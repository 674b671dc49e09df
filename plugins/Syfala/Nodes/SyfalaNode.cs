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
/// <see cref="AudioNode.Prepare"/>.
/// </summary>
public abstract class SyfalaNode : AudioNode, IServiceNode
{
    private bool _started;
    private bool _stopped;

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
    public SyfalaStatistics Statistics => Audio is null ? default : StatisticsSnapshot.Take(Audio, ControlPlane?.MalformedControl ?? 0);

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

    /// <summary>Ends the protocol session (StopIO, Disconnect), then stops the threads (bounded: a few seconds). Audio thread: no.</summary>
    public void Stop()
    {
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
    }

    /// <summary>
    /// Hands each input block to the sender (while I/O runs) and fills each output from its jitter buffer (silence
    /// while priming, after an underflow, and while no peer runs I/O). Audio thread: yes (no allocation, no lock).
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

        Audio.Process(context);
    }

    /// <summary>After <see cref="Start"/> started everything (the server logs where it listens).</summary>
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
            Metrics?.Dispose();
            Transport?.Dispose();
        }

        base.Dispose(disposing);
    }
}
