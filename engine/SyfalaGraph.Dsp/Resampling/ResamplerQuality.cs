namespace SyfalaGraph.Dsp.Resampling;

/// <summary>
/// Interpolation filter of a <see cref="PolyphaseResampler"/> (Kaiser-windowed sinc, symmetric about half the
/// sample rate so that images of passband content fall in the stopband). Figures are for ratios near 1.
/// </summary>
public enum ResamplerQuality
{
    /// <summary>16 taps, passband to 0.33 × rate (16 kHz at 48 kHz), images below −80 dB.</summary>
    Low,

    /// <summary>32 taps, passband to 0.40 × rate (19 kHz at 48 kHz), images below −100 dB. The default.</summary>
    Medium,

    /// <summary>64 taps, passband to 0.44 × rate (21 kHz at 48 kHz), images below −120 dB.</summary>
    High,
}
