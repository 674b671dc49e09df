using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Core;

/// <summary>Parameters of <see cref="GainNode"/> (<c>type: gain</c>). Both values can change live.</summary>
public sealed record GainParameters : NodeParameters
{
    /// <summary>Gain in dB, -120..+40 (0 = unity; the factor is 10^(gain_db/20)).</summary>
    [Description("Gain in dB; the linear factor is 10^(gain_db/20). 0 = unity.")]
    [Range(-120.0, 40.0)]
    [Unit("dB")]
    public double GainDb { get; init; }

    /// <summary>Duration of the linear ramp applied when <see cref="GainDb"/> changes live, 0..1000 ms (0 = jump).</summary>
    [Description("Length of the linear ramp when gain_db changes while running (no zipper noise); 0 jumps.")]
    [Range(0.0, 1000.0)]
    [Unit("ms")]
    public double SmoothingMs { get; init; } = 10.0;

    /// <summary>Declares input <c>in</c> (channels from links) and output <c>out</c> (same channels as <c>in</c>).</summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ports.Input("in", ChannelCount.FromLinks, "Signal to scale.")
            .Output("out", ChannelCount.SameAs("in"), "The input times the gain, channel for channel.");
    }
}
