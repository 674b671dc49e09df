namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// Bounds a decoder applies to a <see cref="StreamFormats"/> on top of the wire's own validity rules (DESIGN.md §6:
/// "every listener has limits"). Checked BEFORE anything is allocated for the decoded lists.
/// </summary>
/// <remarks>
/// The reference decoder has no such limits: it accepts, e.g., 4294967295 channels. Use <see cref="Unbounded"/> for
/// reference-identical accept/reject decisions (as the golden decode cases do); use <see cref="Default"/> (or a
/// tighter instance) on a listener. Immutable; share freely across threads.
/// </remarks>
public sealed record SyfalaLimits
{
    /// <summary>Max streams per direction 64, max channels per stream 1024, max sample rate 768 000 Hz.</summary>
    public static SyfalaLimits Default { get; } = new();

    /// <summary>
    /// No policy limits: only the wire's rules apply (counts are still checked against the bytes present before
    /// allocating, so a hostile count cannot force a large allocation).
    /// </summary>
    public static SyfalaLimits Unbounded { get; } = new()
    {
        MaxStreams = int.MaxValue,
        MaxChannels = uint.MaxValue,
        MaxSampleRate = double.MaxValue,
    };

    /// <summary>Max formats in each of the inputs and outputs lists (default 64).</summary>
    public int MaxStreams { get; init; } = 64;

    /// <summary>Max channels of one stream (default 1024).</summary>
    public uint MaxChannels { get; init; } = 1024;

    /// <summary>Max sample rate in Hz (default 768 000).</summary>
    public double MaxSampleRate { get; init; } = 768_000.0;
}
