namespace SyfalaGraph.Plugins.File;

/// <summary>
/// The libsamplerate converter <see cref="FileReaderNode"/> uses when the file's sample rate differs from the
/// graph's (YAML: <c>best</c>, <c>medium</c>, <c>fastest</c>, <c>linear</c>, <c>zero_order_hold</c>).
/// Source: https://libsndfile.github.io/libsamplerate/api_misc.html#converters.
/// </summary>
public enum ResampleQuality
{
    /// <summary><c>SRC_SINC_BEST_QUALITY</c>: band-limited sinc, 97 dB SNR, 97 % bandwidth; the slowest.</summary>
    Best,

    /// <summary><c>SRC_SINC_MEDIUM_QUALITY</c>: band-limited sinc, 97 dB SNR, 90 % bandwidth (the default).</summary>
    Medium,

    /// <summary><c>SRC_SINC_FASTEST</c>: band-limited sinc, 97 dB SNR, 80 % bandwidth.</summary>
    Fastest,

    /// <summary><c>SRC_LINEAR</c>: linear interpolation; fast, aliases.</summary>
    Linear,

    /// <summary><c>SRC_ZERO_ORDER_HOLD</c>: sample and hold; the fastest, aliases badly.</summary>
    ZeroOrderHold,
}
