namespace SyfalaGraph.Engine.Graph;

/// <summary>The <c>settings:</c> section.</summary>
/// <param name="SampleRate">Hz; null for <c>auto</c> (the driver's rate, 48000 Hz when it imposes none).</param>
/// <param name="BlockFrames">Frames per block (the period).</param>
/// <param name="Clock">What drives the graph.</param>
/// <param name="ClockNode">The driver node's id when <paramref name="Clock"/> is <see cref="ClockKind.Node"/>.</param>
public sealed record GraphSettings(double? SampleRate, int BlockFrames, ClockKind Clock, string? ClockNode)
{
    /// <summary>The sample rate used when none is given and no driver imposes one, in Hz.</summary>
    public const double DefaultSampleRate = 48000;

    /// <summary>The block size used when none is given, in frames.</summary>
    public const int DefaultBlockFrames = 64;

    /// <summary>Largest block size accepted, in frames.</summary>
    public const int MaxBlockFrames = 8192;

    /// <summary>Where <c>settings.clock</c> is written in the file; null when the file leaves it to the default.</summary>
    public SourcePosition? ClockPosition { get; init; }

    /// <summary>
    /// <c>settings.realtime_priority</c>: SCHED_FIFO priority (1–99) of the clock and driver threads (the realtime
    /// clock, a network-driven domain's driver); network threads run one below. Default 9, one below the 10 that
    /// <c>jackd -R</c> gives its own and its clients' process threads. Read when <c>run</c> starts.
    /// </summary>
    public int RealtimePriority { get; init; } = Abstractions.Native.RealtimeScheduling.DefaultPriority;

    /// <summary>Largest sample rate accepted, in Hz.</summary>
    public const double MaxSampleRate = 768000;

    /// <summary>
    /// Equal when they run a graph the same way: <see cref="ClockPosition"/> is where the text is, not what it says, so
    /// a line added above <c>settings:</c> (or the same file read under another name) does not make a hot reload
    /// restart the graph.
    /// </summary>
    public bool Equals(GraphSettings? other) =>
        other is not null && SampleRate == other.SampleRate && BlockFrames == other.BlockFrames && Clock == other.Clock
        && ClockNode == other.ClockNode && RealtimePriority == other.RealtimePriority;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SampleRate, BlockFrames, Clock, ClockNode, RealtimePriority);
}
