using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Core;

/// <summary>
/// Parameters of <see cref="ToneNode"/> (<c>type: tone</c>). <see cref="Waveform"/>, <see cref="FrequencyHz"/>
/// and <see cref="Amplitude"/> can change live; a change of <see cref="Channels"/> or <see cref="DurationS"/>
/// recreates the node.
/// </summary>
public sealed record ToneParameters : NodeParameters
{
    /// <summary>The signal: <c>sine</c>, <c>square</c>, <c>noise</c> or <c>impulse</c>.</summary>
    [Description("Signal shape: sine, square, noise (uniform white) or impulse (one sample per period, the first at frame 0).")]
    public Waveform Waveform { get; init; } = Waveform.Sine;

    /// <summary>Frequency in Hz, &gt; 0 and ≤ 384000 (for <c>impulse</c>: impulses per second; ignored by <c>noise</c>).</summary>
    [Description("Frequency of the sine/square, or impulses per second for impulse; ignored by noise.")]
    [Range(0.0, 384000.0, MinimumIsExclusive = true)]
    [Unit("Hz")]
    public double FrequencyHz { get; init; } = 440.0;

    /// <summary>Peak amplitude, linear, 0..1 (1.0 = 0 dBFS).</summary>
    [Description("Peak amplitude, linear 0..1 (1.0 = 0 dBFS).")]
    [Range(0.0, 1.0)]
    public double Amplitude { get; init; } = 0.5;

    /// <summary>Channels of the output port <c>out</c>, 1..64; every channel carries the same signal.</summary>
    [Description("Output channels; every channel carries the same signal.")]
    [Range(1, 64)]
    public int Channels { get; init; } = 1;

    /// <summary>
    /// Optional length in seconds (&gt; 0). When set, the node outputs exactly round(duration_s × sample rate)
    /// frames of signal, then silence, and reports the end of stream (the offline clock then stops).
    /// </summary>
    [Description("Optional length in seconds: exactly round(duration_s * sample_rate) frames of signal, then silence and end of stream. Omit for an endless tone.")]
    [Range(0.0, double.MaxValue, MinimumIsExclusive = true)]
    [Unit("s")]
    public double? DurationS { get; init; }

    /// <summary>True with a <see cref="DurationS"/>: the tone then ends by itself.</summary>
    public override bool EndsByItself => DurationS is not null;

    /// <summary>Declares the output <c>out</c> with <see cref="Channels"/> channels; no inputs.</summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ports.Output("out", ChannelCount.Fixed(Channels), "The generated signal, the same on every channel.");
    }
}
