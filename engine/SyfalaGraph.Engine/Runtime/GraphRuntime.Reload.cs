using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Validation;
using SyfalaGraph.Engine.Yaml;

namespace SyfalaGraph.Engine.Runtime;

// Design: a reload is a diff by node id, applied without stopping the clock (DESIGN §5).
// 1. Off the audio thread: nodes whose type, ports and parameters are unchanged keep their instance (and
//    so their state: phase, ring contents, open files); changed parameters are offered live through
//    AudioNode.TryUpdateParameters, and nodes that decline, or whose type or channel counts changed, are
//    recreated; new nodes are constructed, prepared, warmed up (for each new DSP node a scratch instance of
//    its type, built from the same parameters, runs Process a few times and is disposed, so the code is
//    compiled here, not on the audio thread; nothing runs Process of an instance before it goes live) and
//    (services) started. Buffers and slots are built anew; bridges between clock domains are kept when unchanged.
// 2. Each domain's new Schedule is published with one reference write; its audio thread takes it at its
//    next block.
// 3. Once the cycle counter shows a block ran on the new schedule, the replaced and removed instances are
//    stopped and disposed — never while the audio thread might still call them.

public sealed partial class GraphRuntime
{
    private readonly Lock _reloadGate = new();

    // Node types whose audio paths are compiled (weak keys: a plugin's types must not pin its load context).
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Type, Type> _warmedTypes = new();
    private long _reloads;
    private long _lastReloadTicks;

    /// <summary>Raised after each applied reload, on the thread that called <see cref="Apply"/> (never the audio thread).</summary>
    public event Action<ReloadSummary>? Reloaded;

    /// <summary>Reloads applied so far.</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Duration of the last reload (from <see cref="Apply"/> to the new schedule running), in milliseconds.</summary>
    public double LastReloadMilliseconds => Interlocked.Read(ref _lastReloadTicks) / (double)TimeSpan.TicksPerMillisecond;

    /// <summary>
    /// Applies <paramref name="next"/> to the running graph as a diff by node id, at a block boundary, without
    /// stopping the clock. Audio thread: no. Calls are serialised.
    /// </summary>
    /// <returns>What changed.</returns>
    /// <exception cref="NotSupportedException">The sample rate, block size or clock changed (the domain must restart).</exception>
    /// <exception cref="GraphRuntimeException">A new node could not be built; the running graph is left untouched.</exception>
    /// <exception cref="GraphException">A node refuses its domain's rate or channel counts (<c>ValidateStream</c>); the running graph is left untouched.</exception>
    public ReloadSummary Apply(ValidatedGraph next)
    {
        lock (_reloadGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var watch = Stopwatch.StartNew();
            if (next.Settings != Graph.Settings)
            {
                throw new NotSupportedException("settings changed (sample rate, block size or clock): the domain must restart to apply them");
            }

            if (DomainSignature(next) != DomainSignature(Graph))
            {
                throw new NotSupportedException($"clock domains changed ({DomainSignature(Graph)} -> {DomainSignature(next)}): the domains must restart to apply them");
            }

            bool offline = Graph.Settings.Clock == ClockKind.Offline;
            int[] blocks = _domains.Select(d => d.BlockFrames).ToArray();
            double[] rates = _domains.Select(d => d.SampleRate).ToArray();
            GraphValidator.RequireStreams(next, n => rates[next.NodeDomains[n.Index]]);

            HashSet<string> oldLinks = LinkKeys(Graph);
            NodeSlot[] old = Slots.ToArray();
            var oldById = old.ToDictionary(s => s.Id, StringComparer.Ordinal);
            var instances = new List<AudioNode>();
            var fresh = new List<AudioNode>();
            var kept = new HashSet<AudioNode>();
            int live = 0, recreated = 0, added = 0;
            var changes = new List<string>();
            try
            {
                foreach (ResolvedNode node in next.Nodes)
                {
                    bool driver = node.IsDriver;
                    if (oldById.TryGetValue(node.Id, out NodeSlot? prev) && SameShape(prev.Node, node)
                        && Graph.DomainOf(prev.Node).Name == next.DomainOf(node).Name)
                    {
                        if (prev.Node.Definition.ParamsFingerprint == node.Definition.ParamsFingerprint)
                        {
                            instances.Add(prev.Instance);
                            kept.Add(prev.Instance);
                            continue;
                        }

                        if (prev.Instance.TryUpdateParameters(node.Parameters))
                        {
                            instances.Add(prev.Instance);
                            kept.Add(prev.Instance);
                            live++;
                            changes.Add($"~{ChangedParameters(prev.Node.Definition, node.Definition)} on {node.Id}");
                            continue;
                        }

                        if (driver)
                        {
                            throw new NotSupportedException($"driver '{node.Id}' changed: its domain must restart to apply it");
                        }

                        recreated++;
                        changes.Add($"*{node.Id} recreated (~{ChangedParameters(prev.Node.Definition, node.Definition)})");
                    }
                    else if (oldById.TryGetValue(node.Id, out NodeSlot? replaced))
                    {
                        recreated++;
                        ResolvedNode was = replaced.Node;
                        changes.Add($"*{node.Id} recreated ({(was.Type.Name != node.Type.Name ? $"type {was.Type.Name} -> {node.Type.Name}"
                            : was.Type.NodeType != node.Type.NodeType ? "a new version of its plugin"
                            : !SameShape(was, node) ? "ports changed" : $"clock domain {Graph.DomainOf(was).Name} -> {next.DomainOf(node).Name}")})");
                    }
                    else
                    {
                        added++;
                        changes.Add($"+node {node.Id} ({node.Type.Name})");
                    }

                    AudioNode instance = Construct(node, _services);
                    fresh.Add(instance);
                    instances.Add(instance);
                }

                BridgeLink[] bridges = BuildBridges(next, rates, blocks, (TimeProvider?)_timeline ?? TimeProvider.System, Bridges);
                List<NodeSlot> slots = BuildSlots(next, instances, blocks, _events, bridges);
                foreach (NodeSlot slot in slots)
                {
                    int domain = next.NodeDomains[slot.Node.Index];
                    bool typeWarmed = WarmUpType(slot, rates[domain], blocks[domain], offline);
                    if (kept.Contains(slot.Instance))
                    {
                        slot.InheritFaults(old.First(o => o.Instance == slot.Instance));
                    }
                    else
                    {
                        Prepare(slot, rates[domain], blocks[domain], offline);
                        WarmUpProcess(slot, rates[domain], blocks[domain], offline, typeWarmed);
                    }
                }

                foreach (NodeSlot slot in slots.Where(s => !kept.Contains(s.Instance)))
                {
                    if (slot.Instance is IServiceNode service)
                    {
                        Guard(slot.Node, "start", service.Start);
                    }
                }

                // Publish to every domain, then wait until each has run a block on its new schedule.
                long[] before = _domains.Select(d => d.Cycle.Cycles).ToArray();
                Volatile.Write(ref _slots, slots.ToArray());
                Volatile.Write(ref _bridges, bridges);
                foreach (DomainRunner d in _domains)
                {
                    d.Domain = next.Domains[d.Domain.Index];
                    d.Cycle.Publish(BuildSchedule(next, d.Domain.Index, slots, bridges));
                }

                for (int i = 0; i < _domains.Length; i++)
                {
                    WaitForBlockBoundary(_domains[i].Cycle, before[i]);
                }

                Graph = next;
            }
            catch
            {
                foreach (AudioNode n in fresh)
                {
                    StopAndDispose(n, "after a failed reload");
                }

                throw;
            }

            int removed = old.Count(o => !next.Nodes.Any(n => n.Id == o.Id));
            foreach (NodeSlot o in old.Where(o => !kept.Contains(o.Instance)))
            {
                StopAndDispose(o.Instance, $"node '{o.Id}' after reload");
            }

            changes.AddRange(old.Where(o => !next.Nodes.Any(n => n.Id == o.Id)).Select(o => $"-node {o.Id}"));
            HashSet<string> newLinks = LinkKeys(next);
            string[] linked = next.Links.Select(l => l.Definition.ToString()).Where(l => !oldLinks.Contains(l)).ToArray();
            changes.AddRange(linked.Select(l => "+link " + l));
            changes.AddRange(oldLinks.Where(l => !newLinks.Contains(l)).Order(StringComparer.Ordinal).Select(l => "-link " + l));
            var summary = new ReloadSummary(added, removed, live, recreated,
                newLinks.Except(oldLinks).Count() + oldLinks.Except(newLinks).Count(), watch.Elapsed, changes);
            Interlocked.Increment(ref _reloads);
            Interlocked.Exchange(ref _lastReloadTicks, summary.Elapsed.Ticks);
            Reloaded?.Invoke(summary);
            return summary;
        }
    }

    /// <summary>
    /// Gathers a new node's inputs once (into its own, not yet published, buffers) and, for a new plain DSP node, runs
    /// Process a few times on a scratch instance of its type built from the same parameters, then disposes it — here on
    /// the reload thread, so that what this node's parameters make Process call (a waveform, a channel count the
    /// per-type warm-up did not take) is JIT-compiled before the audio thread first runs it (a first call costs
    /// 0.1–5 ms: a late block; tiered compilation is off, and ReadyToRun code does not cover the SIMD kernels and
    /// cross-assembly generic instantiations, nor any plugin under run --watch: see the engine README). Never on the instance that goes live:
    /// Process advances its state (the frames a finite tone has left, what a sink has recorded), and it must start
    /// from the state Prepare left. Only plain DSP nodes, as <see cref="WarmUpType"/>: services, drivers and
    /// decoupled nodes open files, devices or sockets in Prepare or act on them in Process. Audio thread: no.
    /// </summary>
    /// <remarks>
    /// Kept rather than dropped: <see cref="WarmUpType"/> runs once per type, with the first node's parameters, so a
    /// second node of a warmed type whose parameters take other paths would compile them on the audio thread. Skipped
    /// when <paramref name="typeJustWarmed"/>: <see cref="WarmUpType"/> has just run Process from these very parameters.
    /// </remarks>
    private void WarmUpProcess(NodeSlot slot, double rate, int block, bool offline, bool typeJustWarmed)
    {
        slot.GatherInputs(block); // the first sum of several links into an input compiles TensorPrimitives.Add
        if (typeJustWarmed || slot.Instance is IServiceNode or IDriverNode or IDecoupledNode)
        {
            return;
        }

        WarmUpScratch(slot, slot.Node.Parameters, null, rate, block, offline);
    }

    /// <summary>
    /// Compiles a plain DSP node type's audio paths once per type, on scratch instances that never join the
    /// graph: Process, then a live change of parameters and Process again — from the type's defaults to this
    /// node's parameters, and from these to slightly different numbers — which is the code a kept node first runs when an edit changes its
    /// parameters live (a gain ramp, say). Audio thread: no.
    /// </summary>
    /// <returns>True when it ran (the first node of a plain DSP type), so Process has run from this node's parameters.</returns>
    private bool WarmUpType(NodeSlot slot, double rate, int block, bool offline)
    {
        Type type = slot.Instance.GetType();
        if (slot.Instance is IServiceNode or IDriverNode or IDecoupledNode || _warmedTypes.TryGetValue(type, out _))
        {
            return false;
        }

        _warmedTypes.AddOrUpdate(type, type);
        NodeParameters defaults;
        try
        {
            defaults = (NodeParameters)Activator.CreateInstance(slot.Node.Parameters.GetType())!;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            defaults = slot.Node.Parameters;
        }

        WarmUpScratch(slot, defaults, slot.Node.Parameters, rate, block, offline);
        NodeParameters nudged;
        try
        {
            nudged = Nudged(slot.Node.Parameters); // the record's clone and setters are plugin code
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogDebug("warm-up of {Type}: its parameters cannot be copied: {Message}", slot.Node.Type.Name, ex.Message);
            return true;
        }

        WarmUpScratch(slot, slot.Node.Parameters, nudged, rate, block, offline);
        return true;
    }

    /// <summary>A copy of <paramref name="parameters"/> with every number (and number list) moved by one: a live change with the same ports.</summary>
    private static NodeParameters Nudged(NodeParameters parameters)
    {
        Type type = parameters.GetType();
        if (type.GetMethod("<Clone>$")?.Invoke(parameters, null) is not NodeParameters copy)
        {
            return parameters;
        }

        foreach (System.Reflection.PropertyInfo p in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (!p.CanWrite)
            {
                continue;
            }

            object? value = p.GetValue(parameters);
            object? nudged = value switch
            {
                double d => d * 0.9,
                float f => f * 0.9f,
                double[] a => a.Select(x => x - 1).ToArray(),
                _ => null,
            };
            if (nudged is not null)
            {
                p.SetValue(copy, nudged);
            }
        }

        return copy;
    }

    /// <summary>
    /// Builds a scratch instance of the slot's node type with <paramref name="from"/>, prepares it and runs Process on
    /// its own buffers, offering <paramref name="to"/> live after three blocks when given; then disposes it. The scratch
    /// never joins the graph. A throw is logged at debug level (the defaults may not suit these ports). Audio thread: no.
    /// </summary>
    private void WarmUpScratch(NodeSlot slot, NodeParameters from, NodeParameters? to, double rate, int block, bool offline)
    {
        AudioNode? scratch = null;
        try
        {
            scratch = Construct(slot.Node with { Parameters = from }, _services);
            scratch.Prepare(new PrepareContext(slot.Id, rate, block, slot.Node.Inputs.Select(p => p.Channels).ToArray(),
                slot.Node.Outputs.Select(p => p.Channels).ToArray(), NodeEventWriter.Null, offline));
            var inputs = slot.Node.Inputs.Select(p => new AudioBuffer(p.Channels, block)).ToArray();
            var outputs = slot.Node.Outputs.Select(p => new AudioBuffer(p.Channels, block)).ToArray();
            for (int i = 0; i < 8; i++)
            {
                if (i == 3 && to is not null)
                {
                    _ = scratch.TryUpdateParameters(to);
                }

                scratch.Process(new ProcessContext(block, i * block, rate, inputs, outputs, NodeEventWriter.Null, offline));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogDebug("warm-up of a scratch {Type}: {Message}", slot.Node.Type.Name, ex.Message); // defaults may not suit these ports
        }
        finally
        {
            try
            {
                scratch?.Dispose();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogDebug("disposing a warm-up instance of {Type} failed: {Message}", slot.Node.Type.Name, ex.Message);
            }
        }
    }

    /// <summary>The <c>params:</c> keys whose values differ between two versions of a node (added, removed or changed), comma-separated.</summary>
    private static string ChangedParameters(NodeDefinition before, NodeDefinition after)
    {
        static Dictionary<string, string> Entries(NodeDefinition d) => d.Params is YMapping m
            ? m.Entries.ToDictionary(e => e.Key.Value, e => NodeDefinition.Fingerprint(e.Value), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

        Dictionary<string, string> a = Entries(before), b = Entries(after);
        string[] keys = a.Keys.Union(b.Keys).Where(k => !a.TryGetValue(k, out string? x) || !b.TryGetValue(k, out string? y) || x != y)
            .Order(StringComparer.Ordinal).ToArray();
        return keys.Length == 0 ? "params" : string.Join(", ", keys);
    }

    private static HashSet<string> LinkKeys(ValidatedGraph graph) => graph.Links.Select(l => l.Definition.ToString()).ToHashSet(StringComparer.Ordinal);

    private static bool SameShape(ResolvedNode a, ResolvedNode b) =>
        a.Type.NodeType == b.Type.NodeType
        && a.Inputs.Select(p => p.Channels).SequenceEqual(b.Inputs.Select(p => p.Channels))
        && a.Outputs.Select(p => p.Channels).SequenceEqual(b.Outputs.Select(p => p.Channels));

    /// <summary>The domains' names, and for the engine's clocks whether they run anything (a domain cannot start or stop on reload yet).</summary>
    private static string DomainSignature(ValidatedGraph graph) =>
        string.Join(", ", graph.Domains.Select(d => d.Driver is null && d.Nodes.Count == 0 ? d.Name + " (empty)" : d.Name));

    private void WaitForBlockBoundary(DomainCycle cycle, long before)
    {
        var wait = Stopwatch.StartNew();
        var spin = new SpinWait();
        while (cycle.Cycles <= before + 1 && !cycle.Ended.Task.IsCompleted && _started && !_stopped && wait.Elapsed < TimeSpan.FromSeconds(5))
        {
            spin.SpinOnce(sleep1Threshold: 20);
        }
    }

    private void StopAndDispose(AudioNode node, string what)
    {
        try
        {
            if (node is IServiceNode service && _started)
            {
                service.Stop();
            }

            node.Dispose();
        }
        catch (Exception ex)
        {
            _logger.LogError("disposing {What} failed: {Message}", what, ex.Message);
        }
    }
}
