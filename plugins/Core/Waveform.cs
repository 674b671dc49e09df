namespace SyfalaGraph.Plugins.Core;

/// <summary>The signal a <see cref="ToneNode"/> generates (YAML: <c>sine</c>, <c>square</c>, <c>noise</c>, <c>impulse</c>).</summary>
public enum Waveform
{
    /// <summary>A sine wave, <c>amplitude · sin(2π·phase)</c>.</summary>
    Sine,

    /// <summary>A naive (non band-limited) square wave: <c>+amplitude</c> for the first half of each period, <c>-amplitude</c> for the second.</summary>
    Square,

    /// <summary>Uniform white noise in [-amplitude, amplitude) from an xorshift64* generator seeded by the node id; frequency is ignored.</summary>
    Noise,

    /// <summary>An impulse train: one sample of <c>amplitude</c> at the first frame of each period (the first at frame 0), 0 elsewhere.</summary>
    Impulse,
}
