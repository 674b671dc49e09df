using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Core;

/// <summary>Parameters of <see cref="MeterNode"/> (<c>type: meter</c>). A change recreates the node.</summary>
public sealed record MeterParameters : NodeParameters
{
    /// <summary>Measurement window in ms, 1..10000: peak and RMS are computed over consecutive windows of this length.</summary>
    [Description("Length of each measurement window; peak and RMS are published once per completed window.")]
    [Range(1.0, 10000.0)]
    [Unit("ms")]
    public double WindowMs { get; init; } = 300.0;

    /// <summary>Declares input <c>in</c> (channels from links) and the pass-through output <c>out</c> (same channels).</summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ports.Input("in", ChannelCount.FromLinks, "Signal to measure.")
            .Output("out", ChannelCount.SameAs("in"), "The input, unchanged (so a meter can sit inline).");
    }
}
