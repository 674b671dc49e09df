using SyfalaGraph.Dsp.Resampling;

namespace SyfalaGraph.Dsp.Clocking;

/// <summary>Settings of a <see cref="ClockBridge"/>.</summary>
public sealed record ClockBridgeOptions
{
    /// <summary>Largest number of frames the producer writes at once (its block, or a datagram's frames).</summary>
    public required int ProducerBlockFrames { get; init; }

    /// <summary>Largest number of frames the consumer reads at once (its block).</summary>
    public required int ConsumerBlockFrames { get; init; }

    /// <summary>
    /// Target latency through the bridge, in frames at the producer's rate: the mean fill the controller holds. Null for the smallest
    /// safe value, <see cref="ClockBridge.MinimumLatencyFrames"/> plus one block of margin for scheduling jitter.
    /// </summary>
    public int? LatencyFrames { get; init; }

    /// <summary>
    /// An adaptive jitter buffer: hold the least fill the write-to-read timing seen lately allows instead of
    /// <see cref="LatencyFrames"/>, which becomes the ceiling (see <see cref="ClockBridge.TargetFrames"/>). Saves up to one
    /// producer block when writes land at a steady phase before reads (clocks within a few ppm); a write later than its
    /// usual lead over the next read makes that read underflow, and the bridge primes again at the worst phase.
    /// </summary>
    public bool AdaptiveLatency { get; init; }

    /// <summary>
    /// Nominal sample rate of the producer, Hz, when it differs from the consumer's (the rate given to the bridge):
    /// the bridge then converts the rate as well as following the drift. Null: both sides run at the same rate.
    /// </summary>
    public double? ProducerSampleRate { get; init; }

    /// <summary>Interpolation filter quality.</summary>
    public ResamplerQuality Quality { get; init; } = ResamplerQuality.Medium;

    /// <summary>
    /// Natural frequency of the fill-control loop, in Hz. Lower rejects more timing jitter; higher locks faster.
    /// The default, 0.1 Hz, settles in about 10 s and leaves ratio noise far below 1 ppm.
    /// </summary>
    public double LoopBandwidthHz { get; init; } = 0.1;

    /// <summary>Largest clock deviation corrected, in ppm (the ratio is clamped to 1 ± this).</summary>
    public double MaxDriftPpm { get; init; } = 5000;
}
