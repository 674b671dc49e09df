namespace SyfalaGraph.Engine.Runtime;

/// <summary>How a graph runs.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Stop after this many seconds of audio (graph time); null runs until the graph ends or is stopped.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Measure each node's process time (two timestamps per node per block).</summary>
    public bool MeasureNodeTimes { get; init; }

    /// <summary>Capacity of the event queue, in events.</summary>
    public int EventQueueCapacity { get; init; } = 4096;
}
