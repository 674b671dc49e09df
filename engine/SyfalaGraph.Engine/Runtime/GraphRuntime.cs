using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Engine.Clocks;
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
    private readonly DomainRunner[] _domains;
    private readonly DomainCycle _cycle;
    private readonly VirtualTimeline? _timeline;
    private readonly IServiceProvider _services;
    private NodeSlot[] _slots;
    private BridgeLink[] _bridges;
    private readonly Thread _dispatcher;
    private readonly EngineMetrics _metrics;
    private readonly HashSet<string> _failedNodes = [];
    private volatile bool _dispatching = true;
    private bool _started;
    private bool _stopped;
    private bool _disposed;

    private GraphRuntime(ValidatedGraph graph, IServiceProvider services, NodeSlot[] slots, BridgeLink[] bridges,
        DomainRunner[] domains, VirtualTimeline? timeline, EventQueue events, ILogger logger, IMeterFactory? meterFactory)
    {
        Graph = graph;
        _services = services;
        _slots = slots;
        _bridges = bridges;
        _domains = domains;
        _cycle = (domains.FirstOrDefault(d => d.Domain.Nodes.Count > 0) ?? domains[0]).Cycle; // the main domain, unless it runs nothing
        _timeline = timeline;
        _events = events;
        SampleRate = _cycle.SampleRate;
        _logger = logger;
        _dispatcher = new Thread(DispatchLoop) { Name = "syfalagraph events", IsBackground = true };
        _dispatcher.Start();
        _metrics = new EngineMetrics(this, meterFactory);
    }

    /// <summary>Raised on the event dispatcher thread (never the audio thread) for every node event.</summary>
    public event Action<NodeEvent>? EventReceived;

    /// <summary>True once <see cref="Stop"/> was called (the end of the run is then the caller's doing).</summary>
    public bool IsStopping => Volatile.Read(ref _stopped);

    /// <summary>The graph being run.</summary>
    public ValidatedGraph Graph { get; private set; }

    /// <summary>The main domain's sample rate in Hz (another domain may run at its own driver's rate: <see cref="Domains"/>).</summary>
    public double SampleRate { get; }

    /// <summary>The main domain's block size in frames.</summary>
    public int BlockFrames => _cycle.MaxBlockFrames;

    /// <summary>The running clock domains; the first is the main one (<c>settings.clock</c>).</summary>
    public IReadOnlyList<DomainRunner> Domains => _domains;

    /// <summary>The ring bridges between domains.</summary>
    public IReadOnlyList<BridgeLink> Bridges => Volatile.Read(ref _bridges);

    /// <summary>The running nodes.</summary>
    public IReadOnlyList<NodeSlot> Slots => Volatile.Read(ref _slots);

    /// <summary>
    /// Completes when the graph has ended: the main domain ended (its finite sources ended — only when it started with
    /// one, so a finite source added by <see cref="Apply"/> never ends a graph that started without — or the duration
    /// was reached on its clock; the other domains are then asked to stop), or <see cref="Stop"/>.
    /// </summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Frames processed so far by the main domain.</summary>
    public long FramesProcessed => _cycle.FrameTime;

    /// <summary>Blocks processed so far by the main domain.</summary>
    public long Cycles => _cycle.Cycles;

    /// <summary>Xruns reported by the drivers of every domain.</summary>
    public long Xruns => _domains.Sum(d => d.Xruns);

    /// <summary>Blocks the drivers of every domain ran a period or more late to catch up after late wake-ups (delayed, not dropped).</summary>
    public long LateBlocks => _domains.Sum(d => d.LateBlocks);

    /// <summary>Exceptions caught from nodes on the audio thread.</summary>
    public long Faults => Slots.Sum(s => s.Faults);

    /// <summary>
    /// Nodes that failed: published <see cref="NodeEventKind.Failed"/> (the graph then ended at once) or threw from
    /// <see cref="IServiceNode.Stop"/> (their work is incomplete). Any thread.
    /// </summary>
    public int Failures
    {
        get
        {
            lock (_failedNodes)
            {
                return _failedNodes.Count;
            }
        }
    }

    /// <summary>Events dropped because the event queue was full.</summary>
    public long EventsDropped => _events.Dropped;

    /// <summary>Bytes allocated by the audio threads of every domain after warm-up (-1 before every domain warmed up).</summary>
    public long AudioThreadAllocatedBytes => _domains.Any(d => d.AudioThreadAllocatedBytes < 0) ? -1 : _domains.Sum(d => d.AudioThreadAllocatedBytes);

    /// <summary>Blocks after warm-up that allocated, over every domain (a steady-state allocation shows in many, a one-off in one).</summary>
    public long AudioThreadAllocatingBlocks => _domains.Sum(d => d.AudioThreadAllocatingBlocks);

    /// <summary>Duration of the last block's processing, in microseconds.</summary>
    public double LastCycleMicroseconds => _cycle.LastCycleTicks * 1e6 / Stopwatch.Frequency;

    /// <summary>Longest block processing after warm-up, in microseconds.</summary>
    public double MaxCycleMicroseconds => _cycle.MaxCycleTicks * 1e6 / Stopwatch.Frequency;

    /// <summary>
    /// Blocks of the main domain, after warm-up, that took longer to process than they last (frames / sample rate). Not
    /// xruns by themselves: the next block's slack absorbs one; the driver counts an xrun when it misses a deadline.
    /// </summary>
    public long BlocksOverPeriod => _cycle.BlocksOverPeriod;

    /// <summary>Average block processing time after warm-up (the first <see cref="DomainCycle.WarmUpBlocks"/> blocks excluded, as for the max), in microseconds.</summary>
    public double MeanCycleMicroseconds => _cycle.Cycles <= DomainCycle.WarmUpBlocks ? 0 : _cycle.TotalCycleTicks * 1e6 / Stopwatch.Frequency / (_cycle.Cycles - DomainCycle.WarmUpBlocks);

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
    /// <exception cref="GraphException">A node's <see cref="NodeParameters.ValidateStream"/> refuses its domain's rate or its channel counts.</exception>
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
            bool offline = s.Clock == ClockKind.Offline;
            double[] rates = ResolveRates(graph, instances, logger);
            // What validate could not know (a driver's rate), checked before anything is prepared: no file or socket opened.
            GraphValidator.RequireStreams(graph, n => rates[graph.NodeDomains[n.Index]]);

            int[] blocks = graph.Domains.Select(d => ResolveBlock(s, d.Driver is int i ? (IDriverNode)instances[i] : null)).ToArray();
            VirtualTimeline? timeline = CreateTimeline(graph, instances);
            BridgeLink[] bridges = BuildBridges(graph, rates, blocks, timeline ?? TimeProvider.System, []);
            if (bridges.Length > 0)
            {
                ClockBridge.WarmUpCode();
            }

            var slots = BuildSlots(graph, instances, blocks, events, bridges);
            foreach (NodeSlot slot in slots)
            {
                int domain = graph.NodeDomains[slot.Node.Index];
                Prepare(slot, rates[domain], blocks[domain], offline);
            }

            var domains = new DomainRunner[graph.Domains.Count];
            foreach (ClockDomain d in graph.Domains)
            {
                int block = blocks[d.Index];
                double rate = rates[d.Index];
                long maxFrames = options.DurationSeconds is double seconds ? (long)Math.Round(seconds * rate) : 0;
                Schedule schedule = BuildSchedule(graph, d.Index, slots, bridges);
                if (offline && FiniteLength(schedule.FiniteSources) is long length && (maxFrames == 0 || length < maxFrames))
                {
                    maxFrames = length; // the output ends exactly where the longest source ends, not at a block boundary
                }

                var cycle = new DomainCycle(schedule, rate, block, offline, maxFrames, options.MeasureNodeTimes, timeline);
                IDriverNode driver = d.Driver is int di
                    ? (IDriverNode)instances[di]
                    : offline ? new OfflineClock(block) : new RealtimeClock(rate, block, 0, timeline);
                domains[d.Index] = new DomainRunner(d, driver, d.Driver is null, cycle);
            }

            logger.LogInformation("graph {File}: {Nodes} nodes, {Links} links, {Rate} Hz, {Block} frames per block, clock {Clock}",
                graph.Document.FilePath, slots.Count, graph.Links.Count, rates[0], blocks[0], s.Clock == ClockKind.Node ? s.ClockNode : s.Clock.ToString().ToLowerInvariant());
            if (graph.Domains.Count > 1)
            {
                logger.LogInformation("{Count} clock domains: {Domains}; {Bridges} bridge(s): {Names}", graph.Domains.Count,
                    string.Join(", ", graph.Domains.Select(d => $"{d.Name} ({d.Nodes.Count} nodes, {rates[d.Index]} Hz)")), bridges.Length,
                    string.Join(", ", bridges.Select(b => $"{b.Name} ({b.Bridge.LatencyFrames} frames{(b.Bridge.AdaptiveLatency ? " at most, adaptive" : "")}, {b.Bridge.Quality.ToString().ToLowerInvariant()})")));
            }

            return new GraphRuntime(graph, services, slots.ToArray(), bridges, domains, timeline, events, logger, services.GetService<IMeterFactory>());
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

    /// <summary>Starts the service nodes, then every domain's driver. Audio thread: no.</summary>
    /// <exception cref="GraphRuntimeException">A service or a driver failed to start (everything started is stopped again).</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            return;
        }

        _started = true;
        // The main domain's end (its sources ended, or the duration on its clock) ends the graph: the other
        // domains stop at their next block.
        Completion = _cycle.Ended.Task.ContinueWith(_ =>
        {
            foreach (DomainRunner d in _domains)
            {
                d.Cycle.RequestStop();
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            bool offline = Graph.Settings.Clock == ClockKind.Offline;
            foreach (NodeSlot slot in _slots)
            {
                // So that a live parameter change compiles nothing on the audio thread later (see Apply).
                DomainRunner domain = _domains[Graph.NodeDomains[slot.Node.Index]];
                WarmUpType(slot, domain.SampleRate, domain.BlockFrames, offline);
                if (slot.Instance is IServiceNode service)
                {
                    Guard(slot.Node, "start", service.Start);
                }
            }

            foreach (DomainRunner d in _domains)
            {
                if (d.Domain.Nodes.Count == 0 && d.EngineClock)
                {
                    d.Cycle.Ended.TrySetResult(); // the engine's clock has nothing to run: every node is in a driver's domain
                    continue;
                }

                Guard(null, d.EngineClock ? "start the clock" : $"start driver '{d.Name}'", () => d.Driver.Start(d.Cycle));
            }

            _timeline?.Start();
        }
        catch
        {
            Stop();
            throw;
        }
    }

    /// <summary>
    /// Stops every driver (no block runs after this returns), then every service node (a file writer drains and
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
        foreach (DomainRunner d in _domains)
        {
            d.Cycle.RequestStop();
        }

        _timeline?.Stop();
        foreach (DomainRunner d in _domains)
        {
            try
            {
                d.Driver.Stop();
            }
            catch (Exception ex)
            {
                _logger.LogError("stopping the clock of domain '{Domain}' failed: {Message}", d.Name, ex.Message);
            }
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
                    RecordFailure(slot.Id);
                    _logger.LogError("node '{Node}' failed: {Message}", slot.Id, ex.Message);
                }
            }
        }

        foreach (DomainRunner d in _domains)
        {
            d.Cycle.Ended.TrySetResult();
        }
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
        foreach (DomainRunner d in _domains)
        {
            if (d.EngineClock && d.Driver is IDisposable disposable)
            {
                disposable.Dispose();
            }
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
        var provider = new NodeServiceProvider(services);
        // Reflection over a plugin's type reads its metadata, which a damaged assembly can fail on: guarded too.
        Guard(node, "create", () =>
        {
            // A node that needs no parameters may leave them out of its constructor.
            bool takesParameters = node.Type.NodeType.GetConstructors()
                .Any(c => c.GetParameters().Any(p => p.ParameterType.IsInstanceOfType(node.Parameters)));
            object[] args = takesParameters ? [node.Parameters] : [];
            instance = (AudioNode)ActivatorUtilities.CreateInstance(provider, node.Type.NodeType, args);
        });
        return instance!;
    }

    private static void Prepare(NodeSlot slot, double rate, int block, bool offline)
    {
        var ctx = new PrepareContext(slot.Id, rate, block, slot.Node.Inputs.Select(p => p.Channels).ToArray(),
            slot.Node.Outputs.Select(p => p.Channels).ToArray(), slot.Events, offline);
        Guard(slot.Node, "prepare", () => slot.Instance.Prepare(ctx));
        Guard(slot.Node, "compile its audio methods", () => PrecompileAudioMethods(slot.Instance.GetType()));
    }

    /// <summary>
    /// JIT-compiles a node type's audio-thread entry points here, off the audio thread, so the first block
    /// (or the first block after a reload) does not pay for it. Callees still compile on first use. Throws what the
    /// JIT throws for a damaged assembly (BadImageFormatException, InvalidProgramException, MissingMethodException...).
    /// </summary>
    private static void PrecompileAudioMethods(Type type)
    {
        _ = ContractRingsCompiled;
        foreach (System.Reflection.MethodInfo m in type.GetMethods(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public))
        {
            if (m.Name is nameof(AudioNode.Process) or nameof(IDecoupledNode.ProcessSink) && !m.IsAbstract && !m.ContainsGenericParameters)
            {
                System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle);
            }
        }
    }

    /// <summary>
    /// The float rings of the contract (<see cref="Abstractions.Rings.RingProducer{T}"/>,
    /// <see cref="Abstractions.Rings.RingConsumer{T}"/>) compiled once per process, here, off the audio thread: nodes'
    /// Process calls them (file.reader reads its decoder's ring), and they have no ReadyToRun code — crossgen2 does not
    /// precompile an instantiation over a type outside the contract's version bubble (float is CoreLib's), so each
    /// would otherwise be JIT-compiled on the audio thread at its first block (see the engine README).
    /// </summary>
    private static readonly bool ContractRingsCompiled = CompileContractRings();

    private static bool CompileContractRings()
    {
        foreach (Type ring in new[] { typeof(Abstractions.Rings.RingProducer<float>), typeof(Abstractions.Rings.RingConsumer<float>) })
        {
            // Private ones too: the public methods call them (GetReadSpans, HasData...), and callees compile on first use.
            const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static
                | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly;
            foreach (System.Reflection.MethodInfo m in ring.GetMethods(all).Where(m => !m.IsAbstract && !m.ContainsGenericParameters))
            {
                System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle);
            }
        }

        return true;
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
            detail = Plugins.PluginLoadContext.WithRealPaths(detail, node?.Type.NodeType);
            throw new GraphRuntimeException($"{who}cannot {what}: {detail}", cause);
        }
    }

    private static long? FiniteLength(IEnumerable<NodeSlot> slots)
    {
        var finite = slots.Where(s => s.Finite is not null).Select(s => s.Finite!.LengthFrames).ToList();
        return finite.Count == 0 || finite.Any(l => l is null) ? null : finite.Max();
    }

    /// <summary>
    /// Each domain's nominal rate (index = domain; 0 is the main domain, <c>settings.clock</c>'s). A domain whose driver
    /// imposes a rate (a JACK server) runs at it; the others at the graph's rate: <c>settings.sample_rate</c>, or with
    /// <c>auto</c> the main domain's imposed rate, else the first imposed one, else the first driver's preferred rate
    /// (a device's default), else 48 kHz. Bridges convert between domains at different rates.
    /// </summary>
    /// <exception cref="GraphRuntimeException">settings.sample_rate differs from the rate the main domain's driver imposes.</exception>
    private static double[] ResolveRates(ValidatedGraph graph, List<AudioNode> instances, ILogger logger)
    {
        double? Imposed(ClockDomain d) => d.Driver is int i ? ((IDriverNode)instances[i]).ImposedSampleRate : null;
        GraphSettings s = graph.Settings;
        ClockDomain main = graph.Domains[0];
        if (s.SampleRate is double want && Imposed(main) is double r && Math.Abs(r - want) > 1e-9)
        {
            throw new GraphRuntimeException($"the driver '{main.Name}' runs at {r} Hz but settings.sample_rate is {want} Hz; set sample_rate: auto or {r}");
        }

        double graphRate = s.SampleRate
            ?? graph.Domains.Select(Imposed).FirstOrDefault(x => x is not null)
            ?? (graph.Domains.FirstOrDefault(d => d.Driver is not null) is { Driver: int first } ? ((IDriverNode)instances[first]).PreferredSampleRate : null)
            ?? GraphSettings.DefaultSampleRate;
        double[] rates = graph.Domains.Select(d => Imposed(d) ?? graphRate).ToArray();
        foreach (ClockDomain d in graph.Domains.Where(d => rates[d.Index] != graphRate))
        {
            logger.LogInformation("domain '{Domain}' runs at {Rate} Hz, its driver's rate; the graph runs at {GraphRate} Hz: its bridges convert", d.Name, rates[d.Index], graphRate);
        }

        return rates;
    }

    private static int ResolveBlock(GraphSettings s, IDriverNode? driver) => driver?.ImposedBlockFrames ?? s.BlockFrames;

    private static VirtualTimeline? CreateTimeline(ValidatedGraph graph, List<AudioNode> instances)
    {
        var drivers = graph.Domains.Where(d => d.Driver is not null).Select(d => (d.Name, Node: instances[d.Driver!.Value])).ToList();
        var simulated = drivers.Where(d => d.Node is RealtimeClockNode { Parameters.VirtualTime: true }).ToList();
        if (simulated.Count == 0)
        {
            return null;
        }

        var real = drivers.Where(d => d.Node is not RealtimeClockNode { Parameters.VirtualTime: true }).Select(d => d.Name).ToList();
        if (real.Count > 0)
        {
            throw new GraphRuntimeException($"drivers {string.Join(", ", simulated.Select(d => d.Name))} run in virtual time but {string.Join(", ", real)} in real time; a graph runs entirely in one or the other");
        }

        return new VirtualTimeline();
    }

    /// <summary>
    /// One bridge per (source port, consumer domain) among the links between domains; a bridge of
    /// <paramref name="previous"/> with the same key is kept (its ring, fill and learnt drift carry over).
    /// </summary>
    private static BridgeLink[] BuildBridges(ValidatedGraph graph, double[] rates, int[] blocks, TimeProvider time, IReadOnlyList<BridgeLink> previous)
    {
        var bridges = new List<BridgeLink>();
        foreach (ResolvedLink link in graph.Links.Where(graph.IsBridged))
        {
            ResolvedNode src = graph.Nodes[link.Source];
            int producer = graph.NodeDomains[link.Source], consumer = graph.NodeDomains[link.Destination];
            string name = $"{src.Id}.{src.Outputs[link.SourcePort].Name} -> {graph.Domains[consumer].Name}";
            if (bridges.Any(b => b.Name == name))
            {
                continue;
            }

            // Options come from the first link of this port into that domain that states them.
            LinkDefinition? withOptions = graph.Links.Where(l => graph.IsBridged(l) && l.Source == link.Source && l.SourcePort == link.SourcePort
                && graph.NodeDomains[l.Destination] == consumer && l.Definition.HasBridgeOptions).Select(l => l.Definition).FirstOrDefault();
            var options = new ClockBridgeOptions
            {
                ProducerBlockFrames = blocks[producer],
                ConsumerBlockFrames = blocks[consumer],
                LatencyFrames = withOptions?.LatencyFrames,
                Quality = withOptions?.Quality ?? ResamplerQuality.Medium,
                AdaptiveLatency = withOptions?.AdaptiveLatency ?? false,
                ProducerSampleRate = rates[producer],
            };
            int channels = src.Outputs[link.SourcePort].Channels;
            string key = $"{name}|{channels}|{options.ProducerBlockFrames}|{options.ConsumerBlockFrames}|{options.LatencyFrames}|{options.Quality}|{options.AdaptiveLatency}|{rates[producer]}|{rates[consumer]}";
            BridgeLink? kept = previous.FirstOrDefault(b => b.Key == key);
            if (kept is not null)
            {
                bridges.Add(kept);
                continue;
            }

            ClockBridge bridge;
            try
            {
                bridge = new ClockBridge(Math.Max(1, channels), rates[consumer], options, time);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new GraphRuntimeException($"{withOptions?.OptionsPosition.ToString() ?? link.Definition.Position.ToString()}: bridge {name}: {ex.Message.Split(" (Parameter")[0]}", ex);
            }

            bridges.Add(new BridgeLink(name, key, bridge, producer, consumer, blocks[consumer]));
        }

        return [.. bridges];
    }

    private static BridgeLink BridgeOf(ValidatedGraph graph, ResolvedLink link, BridgeLink[] bridges)
    {
        ResolvedNode src = graph.Nodes[link.Source];
        string name = $"{src.Id}.{src.Outputs[link.SourcePort].Name} -> {graph.Domains[graph.NodeDomains[link.Destination]].Name}";
        return bridges.First(b => b.Name == name);
    }

    private static Schedule BuildSchedule(ValidatedGraph graph, int domain, IReadOnlyList<NodeSlot> slots, BridgeLink[] bridges) => new(
        [.. slots],
        [.. graph.Domains[domain].Order],
        bridges.Where(b => b.ConsumerDomain == domain).Select(b => new BridgeEndpoint(b.Bridge, b.Output)).ToArray(),
        bridges.Where(b => b.ProducerDomain == domain).Select(b =>
        {
            ResolvedLink l = graph.Links.First(l => graph.IsBridged(l) && BridgeOf(graph, l, bridges) == b);
            return new BridgeEndpoint(b.Bridge, slots[l.Source].Outputs[l.SourcePort]);
        }).ToArray());

    private static List<NodeSlot> BuildSlots(ValidatedGraph graph, List<AudioNode> instances, int[] blocks, EventQueue events, BridgeLink[] bridges)
    {
        var outputs = graph.Nodes.Select(n => n.Outputs.Select(p => new AudioBuffer(p.Channels, blocks[graph.NodeDomains[n.Index]])).ToArray()).ToArray();
        var slots = new List<NodeSlot>();
        foreach (ResolvedNode node in graph.Nodes)
        {
            int block = blocks[graph.NodeDomains[node.Index]];
            var inputs = new AudioBuffer[node.Inputs.Count];
            var feeds = new InputFeed[node.Inputs.Count][];
            foreach (ResolvedPort port in node.Inputs)
            {
                var into = graph.Links.Where(l => l.Destination == node.Index && l.DestinationPort == port.Index).ToList();
                AudioBuffer SourceOf(ResolvedLink l) => graph.IsBridged(l) ? BridgeOf(graph, l, bridges).Output : outputs[l.Source][l.SourcePort];
                if (into.Count == 1 && into[0].IsWholePort)
                {
                    // One whole-port link: the node reads the upstream (or bridge) buffer directly (no copy).
                    inputs[port.Index] = SourceOf(into[0]);
                    feeds[port.Index] = [];
                }
                else
                {
                    inputs[port.Index] = new AudioBuffer(port.Channels, block);
                    feeds[port.Index] = into.SelectMany(l => l.Channels.Select(c => new InputFeed(SourceOf(l), c.Source, c.Destination))).ToArray();
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

    // The rate of the domain a node runs in (event times are frames of that domain); the main rate for anything else.
    private double RateOf(string nodeId) =>
        Slots.FirstOrDefault(s => s.Id == nodeId) is { } slot ? _domains[Graph.NodeDomains[slot.Node.Index]].SampleRate : SampleRate;

    private void RecordFailure(string nodeId)
    {
        lock (_failedNodes)
        {
            _failedNodes.Add(nodeId);
        }
    }

    private void Log(NodeEvent e)
    {
        double seconds = e.FrameTime / RateOf(e.NodeId);
        switch (e.Kind)
        {
            case NodeEventKind.Fault:
                Exception? ex = Slots.FirstOrDefault(s => s.Id == e.NodeId)?.LastFault;
                _logger.LogError("node '{Node}' threw on the audio thread at {Time:F3} s and was muted; the graph plays on: {Exception}", e.NodeId, seconds, ex);
                break;
            case NodeEventKind.Failed:
                RecordFailure(e.NodeId);
                _logger.LogError("node '{Node}' failed at {Time:F3} s ({Value}): the graph ends here", e.NodeId, seconds, e.Value);
                foreach (DomainRunner d in _domains)
                {
                    d.Cycle.EndEarly();
                }

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
