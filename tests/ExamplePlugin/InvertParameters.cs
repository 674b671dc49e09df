using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Examples.Invert;

/// <summary>
/// Parameters of <see cref="InvertNode"/> (<c>type: example.invert</c>). The YAML key of each property is
/// its name in snake_case (<c>Scale</c> ↔ <c>scale</c>); the attributes give the range check, the text
/// of <c>syfala-graph nodes</c> and the JSON Schema.
/// </summary>
public sealed record InvertParameters : NodeParameters
{
    /// <summary>Factor applied to every sample, -10..10 (default -1: polarity inversion). Live.</summary>
    [Description("Factor applied to every sample; -1 inverts the polarity. Changes live.")]
    [Range(-10.0, 10.0)]
    [Unit("×")]
    public double Scale { get; init; } = -1.0;

    /// <summary>Declares input <c>in</c> (channels from links) and output <c>out</c> (same channels as <c>in</c>).</summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ports.Input("in", ChannelCount.FromLinks, "Signal to scale.")
            .Output("out", ChannelCount.SameAs("in"), "The input times scale, channel for channel.");
    }
}
