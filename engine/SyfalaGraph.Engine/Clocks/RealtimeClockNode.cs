using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Engine.Runtime;

namespace SyfalaGraph.Engine.Clocks;

/// <summary>
/// <c>realtime.clock</c>: a timer-paced driver with its own clock domain, optionally off by a drift in ppm and
/// optionally in simulated time. Stands in for a device in tests and demos of clock-domain bridges; nodes
/// join its domain with <c>clock: &lt;id&gt;</c> or through links.
/// </summary>
[NodeType("realtime.clock", typeof(RealtimeClockParameters), Description = "A timer-paced clock domain, with optional drift (ppm) and simulated time.")]
public sealed class RealtimeClockNode(RealtimeClockParameters parameters) : AudioNode, IDriverNode
{
    private RealtimeClock? _clock;
    private double _sampleRate;
    private int _blockFrames;

    /// <summary>The parameters.</summary>
    public RealtimeClockParameters Parameters { get; } = parameters;

    /// <inheritdoc />
    public double? ImposedSampleRate => Parameters.SampleRate;

    /// <inheritdoc />
    public int? ImposedBlockFrames => null;

    /// <inheritdoc />
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _sampleRate = context.SampleRate;
        _blockFrames = context.MaxBlockFrames;
    }

    /// <inheritdoc />
    public override void Process(in ProcessContext context)
    {
    }

    /// <inheritdoc />
    public void Start(IGraphCycle cycle)
    {
        VirtualTimeline? timeline = Parameters.VirtualTime ? ((DomainCycle)cycle).Timeline : null;
        _clock = new RealtimeClock(_sampleRate, _blockFrames, Parameters.DriftPpm, timeline);
        _clock.Start(cycle);
    }

    /// <inheritdoc />
    public void Stop() => _clock?.Stop();
}
