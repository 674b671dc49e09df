using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Metrics;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Runtime;

/// <summary>
/// A running graph: builds the nodes of a <see cref="ValidatedGraph"/> (constructed through DI, prepared off
/// the audio thread), wires their buffers, starts the service nodes and the driver, dispatches events off the
/// audio thread, and shuts down in order (driver, then services — which finalise files — then disposal).
/// </summary>
public sealed partial class GraphRuntime : IDisposable
{
    private readonly ILogger _logger;
    private readonly EventQueue _events;
    private readonly DomainCycle _cycle;
    private readonly IDriverNode _driver;
    private readonly IServiceProvider _services;
    private NodeSlot[] _slots;
    private readonly Thread _dispatcher;
    private readonly EngineMetrics _metrics;
    private volatile bool _dispatching = true;
    private bool _started;
    private bool _stopped;
    private bool _disposed;

    private GraphRuntime(ValidatedGraph graph, IServiceProvider services, NodeSlot[] slots, IDriverNode driver, DomainCycle cycle, EventQueue events,
        double sampleRate, int blockFrames, ILogger logger, IMeterFactory? meterFactory)
    {
        Graph = graph;
        _services = services;
        _slots = slots;
        _driver = driver;
        _cycle = cycle;
        _events = events;
        SampleRate = sampleRate;
        BlockFrames = blockFrames;
        _logger = logger;
        _dispatcher = new Thread(DispatchLoop) { Name = "syfalagraph events", IsBackground = true };
        _dispatcher.Start();
        _metrics = new EngineMetrics(this, meterFactory);
    }

    /// <summary>Raised on the event dispatcher thread (never the audio thread) for every node event.</summary>
    public event Action<NodeEvent>? EventReceived;

    /// <summary>The graph being run.</summary>
    public ValidatedGraph Graph { get; private set; }

    /// <summary>The domain's sample rate in Hz.</summary>
    public double SampleRate { get; }

    /// <summary>The block size in frames.</summary>
    public int BlockFrames { get; }

    /// <summary>The running nodes.</summary>
    public IReadOnlyList<NodeSlot> Slots => Volatile.Read(ref _slots);

    /// <summary>Completes when the graph has ended (every finite source ended, the duration was reached, or <see cref="Stop"/>).</summary>
    public Task Completion => _cycle.Ended.Task;

    /// <summary>Frames processed so far.</summary>
    public long FramesProcessed => _cycle.FrameTime;

    /// <summary>Blocks processed so far.</summary>
    public long Cycles => _cycle.Cycles;

    /// <summary>Xruns reported by the driver.</summary>
    public long Xruns => _cycle.Xruns;

    /// <summary>Exceptions caught from nodes on the audio thread.</summary>
    public long Faults => Slots.Sum(s => s.Faults);

    /// <summary>Events dropped because the event queue was full.</summary>
    public long EventsDropped => _events.Dropped;

    /// <summary>Bytes allocated by the audio thread after warm-up (-1 before warm-up).</summary>
    public long AudioThreadAllocatedBytes => _cycle.AllocatedSinceWarmUp;

    /// <summary>Duration of the last block's processing, in microseconds.</summary>
    public double LastCycleMicroseconds => _cycle.LastCycleTicks * 1e6 / Stopwatch.Frequency;

    /// <summary>Longest block processing after warm-up, in microseconds.</summary>
    public double MaxCycleMicroseconds => _cycle.MaxCycleTicks * 1e6 / Stopwatch.Frequency;

    /// <summary>Average block processing time, in microseconds.</summary>
    public double MeanCycleMicroseconds => _cycle.Cycles == 0 ? 0 : _cycle.TotalCycleTicks * 1e6 / Stopwatch.Frequency / _cycle.Cycles;

    /// <summary>The period, in microseconds (block frames / sample rate).</summary>
    public double PeriodMicroseconds => BlockFrames * 1e6 / SampleRate;

    /// <summary>The total length of the finite sources in frames, when known (for progress).</summary>
    public long? LengthFrames
    {
        get => FiniteLength(Slots);
    }

    /// <summary>The instance of node <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such node.</exception>
    public AudioNode GetNode(string id) => Slots.FirstOrDefault(s => s.Id == id)?.Instance ?? throw new KeyNotFoundException(id);

    /// <summary>
    /// Builds every node: constructs it through DI (<paramref name="services"/> supplies loggers, meters…),
    /// allocates and wires buffers, and calls Prepare. Nothing runs until <see cref="Start"/>. Audio thread: no.
    /// </summary>
    /// <exception cref="GraphRuntimeException">A node could not be constructed or prepared, or a driver imposes settings the graph contradicts.</exception>
    public static GraphRuntime Create(ValidatedGraph graph, IServiceProvider services, RuntimeOptions? options = null)
    {
        options ??= new RuntimeOptions();
        ILogger logger = services.GetService<ILoggerFactory>()?.CreateLogger("SyfalaGraph.Runtime") ?? NullLogger.Instance;
        var events = new EventQueue(options.EventQueueCapacity);
        var instances = new List<AudioNode>();
        try
        {
            foreach (ResolvedNode node in graph.Nodes)
            {
                instances.Add(Construct(node, services));
            }

            GraphSettings s = graph.Settings;
            IDriverNode? driverNode = s.Clock == ClockKind.Node ? (IDriverNode)instances[graph.Find(s.ClockNode!)!.Index] : null;
            double rate = ResolveRate(s, driverNode);
            int block = ResolveBlock(s, driverNode);
            bool offline = s.Clock == ClockKind.Offline;
            var slots = BuildSlots(graph, instances, block, events);
            foreach (NodeSlot slot in slots)
            {
                Prepare(slot, rate, block, offline);
            }

            IDriverNode driver = driverNode ?? (offline ? new OfflineClock(block) : new RealtimeClock(rate, block, logger));
            long maxFrames = options.DurationSeconds is double d ? (long)Math.Round(d * rate) : 0;
            if (offline && FiniteLength(slots) is long length && (maxFrames == 0 || length < maxFrames))
            {
                maxFrames = length; // the output ends exactly where the longest source ends, not at a block boundary
            }

            var schedule = new Schedule(slots.ToArray(), graph.Order.ToArray());
            var cycle = new DomainCycle(schedule, rate, block, offline, maxFrames, options.MeasureNodeTimes);
            logger.LogInformation("graph {File}: {Nodes} nodes, {Links} links, {Rate} Hz, {Block} frames per block, clock {Clock}",
                graph.Document.FilePath, slots.Count, graph.Links.Count, rate, block, s.Clock == ClockKind.Node ? s.ClockNode : s.Clock.ToString().ToLowerInvariant());
            return new GraphRuntime(graph, services, slots.ToArray(), driver, cycle, events, rate, block, logger, services.GetService<IMeterFactory>());
        }
        catch
        {
            foreach (AudioNode n in instances)
            {
                try
                {
                    n.Dispose();
                }
                catch (Exception ex)
                {
                    logger.LogWarning("disposing {Node} after a failed start: {Message}", n.GetType().Name, ex.Message);
                }
            }

            throw;
        }
    }

    /// <summary>Starts the service nodes, then the driver. Audio thread: no.</summary>
    /// <exception cref="GraphRuntimeException">A service or the driver failed to start (everything started is stopped again).</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            return;
        }

        _started = true;
        try
        {
            foreach (NodeSlot slot in _slots)
            {
                if (slot.Instance is IServiceNode service)
                {
                    Guard(slot.Node, "start", service.Start);
                }
            }

            Guard(null, "start the clock", () => _driver.Start(_cycle));
        }
        catch
        {
            Stop();
            throw;
        }
    }

    /// <summary>
    /// Stops the driver (no block runs after this returns), then every service node (a file writer drains and
    /// finalises its file). Idempotent. Audio thread: no.
    /// </summary>
    public void Stop()
    {
        if (_stopped || !_started)
        {
            _stopped = true;
            return;
        }

        _stopped = true;
        _cycle.RequestStop();
        try
        {
            _driver.Stop();
        }
        catch (Exception ex)
        {
            _logger.LogError("stopping the clock failed: {Message}", ex.Message);
        }

        foreach (NodeSlot slot in _slots)
        {
            if (slot.Instance is IServiceNode service)
            {
                try
                {
                    service.Stop();
                }
                catch (Exception ex)
                {
                    _logger.LogError("node '{Node}' failed to stop: {Message}", slot.Id, ex.Message);
                }
            }
        }

        _cycle.Ended.TrySetResult();
    }

    /// <summary>Stops if needed, disposes every node, and stops the event dispatcher after draining it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Stop();
        _disposed = true;
        if (_driver is IDisposable d && _driver is not AudioNode)
        {
            d.Dispose();
        }

        foreach (NodeSlot slot in _slots)
        {
            try
            {
                slot.Instance.Dispose();
            }
            catch (Exception ex)
            {
                _logger.LogError("node '{Node}' failed to dispose: {Message}", slot.Id, ex.Message);
            }
        }

        _dispatching = false;
        _dispatcher.Join();
        _metrics.Dispose();
    }

    private static AudioNode Construct(ResolvedNode node, IServiceProvider services)
    {
        AudioNode? instance = null;
        // A node that needs no parameters may leave them out of its constructor.
        bool takesParameters = node.Type.NodeType.GetConstructors()
            .Any(c => c.GetParameters().Any(p => p.ParameterType.IsInstanceOfType(node.Parameters)));
        object[] args = takesParameters ? [node.Parameters] : [];
        var provider = new NodeServiceProvider(services);
        Guard(node, "create", () => instance = (AudioNode)ActivatorUtilities.CreateInstance(provider, node.Type.NodeType, args));
        return instance!;
    }

    private static void Prepare(NodeSlot slot, double rate, int block, bool offline)
    {
        var ctx = new PrepareContext(slot.Id, rate, block, slot.Node.Inputs.Select(p => p.Channels).ToArray(),
            slot.Node.Outputs.Select(p => p.Channels).ToArray(), slot.Events, offline);
        Guard(slot.Node, "prepare", () => slot.Instance.Prepare(ctx));
        PrecompileAudioMethods(slot.Instance.GetType());
    }

    /// <summary>
    /// JIT-compiles a node type's audio-thread entry points here, off the audio thread, so the first block
    /// (or the first block after a reload) does not pay for it. Callees still compile on first use.
    /// </summary>
    private static void PrecompileAudioMethods(Type type)
    {
        foreach (System.Reflection.MethodInfo m in type.GetMethods(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public))
        {
            if (m.Name is nameof(AudioNode.Process) or nameof(IDecoupledNode.ProcessSink) && !m.IsAbstract && !m.ContainsGenericParameters)
            {
                System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle);
            }
        }
    }

    private static void Guard(ResolvedNode? node, string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            Exception cause = ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
            string who = node is null ? "" : $"node '{node.Id}' ({node.Type.Name}): ";
            string detail = cause is NodeException ? cause.Message : $"{cause.GetType().Name}: {cause.Message}";
            throw new GraphRuntimeException($"{who}cannot {what}: {detail}", cause);
        }
    }

    private static long? FiniteLength(IEnumerable<NodeSlot> slots)
    {
        var finite = slots.Where(s => s.Finite is not null).Select(s => s.Finite!.LengthFrames).ToList();
        return finite.Count == 0 || finite.Any(l => l is null) ? null : finite.Max();
    }

    private static double ResolveRate(GraphSettings s, IDriverNode? driver)
    {
        double? imposed = driver?.ImposedSampleRate;
        if (imposed is double r && s.SampleRate is double want && Math.Abs(r - want) > 1e-9)
        {
            throw new GraphRuntimeException($"the driver '{s.ClockNode}' runs at {r} Hz but settings.sample_rate is {want} Hz; set sample_rate: auto or {r}");
        }

        return imposed ?? s.SampleRate ?? GraphSettings.DefaultSampleRate;
    }

    private static int ResolveBlock(GraphSettings s, IDriverNode? driver) => driver?.ImposedBlockFrames ?? s.BlockFrames;

    private static List<NodeSlot> BuildSlots(ValidatedGraph graph, List<AudioNode> instances, int block, EventQueue events)
    {
        var outputs = graph.Nodes.Select(n => n.Outputs.Select(p => new AudioBuffer(p.Channels, block)).ToArray()).ToArray();
        var slots = new List<NodeSlot>();
        foreach (ResolvedNode node in graph.Nodes)
        {
            var inputs = new AudioBuffer[node.Inputs.Count];
            var feeds = new InputFeed[node.Inputs.Count][];
            foreach (ResolvedPort port in node.Inputs)
            {
                var into = graph.Links.Where(l => l.Destination == node.Index && l.DestinationPort == port.Index).ToList();
                if (into.Count == 1 && into[0].IsWholePort)
                {
                    // One whole-port link: the node reads the upstream buffer directly (no copy).
                    inputs[port.Index] = outputs[into[0].Source][into[0].SourcePort];
                    feeds[port.Index] = [];
                }
                else
                {
                    inputs[port.Index] = new AudioBuffer(port.Channels, block);
                    feeds[port.Index] = into.SelectMany(l => l.Channels.Select(c => new InputFeed(outputs[l.Source][l.SourcePort], c.Source, c.Destination))).ToArray();
                }
            }

            slots.Add(new NodeSlot(node, instances[node.Index], inputs, outputs[node.Index], feeds, new NodeEventWriter(node.Id, events)));
        }

        return slots;
    }

    private void DispatchLoop()
    {
        while (true)
        {
            bool any = false;
            while (_events.TryDequeue(out NodeEvent e))
            {
                any = true;
                Log(e);
                try
                {
                    EventReceived?.Invoke(e);
                }
                catch (Exception ex)
                {
                    _logger.LogError("an event subscriber threw: {Message}", ex.Message);
                }
            }

            if (!_dispatching && !any)
            {
                return;
            }

            Thread.Sleep(5);
        }
    }

    private void Log(NodeEvent e)
    {
        double seconds = e.FrameTime / SampleRate;
        switch (e.Kind)
        {
            case NodeEventKind.Fault:
                Exception? ex = Slots.FirstOrDefault(s => s.Id == e.NodeId)?.LastFault;
                _logger.LogError("node '{Node}' threw on the audio thread at {Time:F3} s and was muted; the graph plays on: {Exception}", e.NodeId, seconds, ex);
                break;
            case NodeEventKind.EndOfStream:
                _logger.LogInformation("node '{Node}' ended after {Frames} frames", e.NodeId, e.Value);
                break;
            case NodeEventKind.Xrun or NodeEventKind.Underflow or NodeEventKind.Overflow:
                _logger.LogWarning("node '{Node}': {Kind} ({Value}) at {Time:F3} s", e.NodeId, e.Kind, e.Value, seconds);
                break;
            default:
                _logger.LogDebug("node '{Node}': {Kind} {Value}", e.NodeId, e.Kind, e.Value);
                break;
        }
    }
}
