using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;

namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// Network impairments applied by a node to the audio datagrams it sends (for tests and demos). All zero (the
/// default) sends every datagram at once, unchanged. Control messages are not impaired.
/// </summary>
public sealed record SyfalaChaosParameters
{
    /// <summary>Percentage of audio datagrams dropped.</summary>
    [Range(0.0, 100.0)]
    [Description("Percentage of audio datagrams dropped.")]
    public double LossPct { get; init; }

    /// <summary>Fixed delay added to every audio datagram, in ms.</summary>
    [Unit("ms")]
    [Range(0.0, 1000.0)]
    [Description("Delay added to every audio datagram, ms.")]
    public double DelayMs { get; init; }

    /// <summary>Extra random delay, uniform in [0, jitter_ms], in ms.</summary>
    [Unit("ms")]
    [Range(0.0, 1000.0)]
    [Description("Random extra delay, uniform in [0, jitter_ms], ms.")]
    public double JitterMs { get; init; }

    /// <summary>Percentage of audio datagrams held back so that the next one overtakes them.</summary>
    [Range(0.0, 100.0)]
    [Description("Percentage of audio datagrams held back so the following one overtakes them.")]
    public double ReorderPct { get; init; }

    /// <summary>Percentage of audio datagrams sent twice.</summary>
    [Range(0.0, 100.0)]
    [Description("Percentage of audio datagrams sent twice.")]
    public double DuplicatePct { get; init; }

    /// <summary>Percentage of audio datagrams with one random bit flipped after the message-type byte (header fields or payload).</summary>
    [Range(0.0, 100.0)]
    [Description("Percentage of audio datagrams with one random bit flipped after the message-type byte (header fields or payload).")]
    public double CorruptPct { get; init; }

    /// <summary>Seed of the random generator (runs are reproducible for a given seed).</summary>
    [Description("Seed of the impairment generator.")]
    public int Seed { get; init; } = 1;

    /// <summary>True when any impairment is configured.</summary>
    internal bool IsActive => LossPct > 0 || DelayMs > 0 || JitterMs > 0 || ReorderPct > 0 || DuplicatePct > 0 || CorruptPct > 0;
}
