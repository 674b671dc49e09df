using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;

namespace SyfalaGraph.Engine.Graph;

/// <summary>
/// One entry of <c>links:</c>: <c>from -> to</c>, or <c>{ link: from -> to, latency_frames: N, quality: q, jitter_buffer: j }</c>
/// for a link between clock domains (a ring bridge with adaptive resampling).
/// </summary>
/// <param name="From">The source output.</param>
/// <param name="To">The destination input.</param>
/// <param name="Position">Where the link is written.</param>
/// <param name="LatencyFrames">Bridge target latency in frames, or null for the default.</param>
/// <param name="Quality">Bridge resampler quality, or null for the default (medium).</param>
/// <param name="OptionsPosition">Where the bridge options are written (the link's position when there are none).</param>
/// <param name="AdaptiveLatency">
/// <c>jitter_buffer: adaptive</c>: the bridge holds the least fill the timing allows, <see cref="LatencyFrames"/> at most
/// (<see cref="ClockBridgeOptions.AdaptiveLatency"/>).
/// </param>
public sealed record LinkDefinition(LinkEndpoint From, LinkEndpoint To, SourcePosition Position,
    int? LatencyFrames = null, ResamplerQuality? Quality = null, SourcePosition OptionsPosition = default, bool AdaptiveLatency = false)
{
    /// <summary>True when bridge options are written on the link.</summary>
    public bool HasBridgeOptions => LatencyFrames is not null || Quality is not null || AdaptiveLatency;

    /// <inheritdoc />
    public override string ToString() => $"{From} -> {To}";
}
