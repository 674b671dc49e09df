using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Engine.Clocks;

/// <summary>Parameters of <see cref="RealtimeClockNode"/> (<c>type: realtime.clock</c>).</summary>
public sealed record RealtimeClockParameters : NodeParameters
{
    /// <summary>Clock error in ppm, −10000..10000: the domain runs at sample_rate × (1 + drift_ppm × 1e-6).</summary>
    [Description("Clock error in ppm: the domain runs at sample_rate x (1 + drift_ppm/1e6), like a device whose crystal is off.")]
    [Range(-10000.0, 10000.0)]
    [Unit("ppm")]
    public double DriftPpm { get; init; }

    /// <summary>
    /// The domain's nominal rate in Hz, like a device running at its own rate; null (the default) for the graph's rate.
    /// Links to and from other domains are converted by their bridges.
    /// </summary>
    [Description("The domain's own nominal rate, Hz (default: the graph's); links to other domains are converted by their bridges.")]
    [Range(8000.0, 768000.0)]
    [Unit("Hz")]
    public double? SampleRate { get; init; }

    /// <summary>Run in simulated time (as fast as possible, every virtual clock of the graph on one timeline) instead of wall-clock time.</summary>
    [Description("Run in simulated time: as fast as possible, every virtual clock of the graph on one timeline (hours of drift in seconds).")]
    public bool VirtualTime { get; init; }

    /// <summary>Declares no ports: the node is only a clock; nodes join its domain with <c>clock: &lt;id&gt;</c> or by links.</summary>
    public override void DeclarePorts(PortLayout ports)
    {
    }
}
