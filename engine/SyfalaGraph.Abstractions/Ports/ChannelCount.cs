namespace SyfalaGraph.Abstractions.Ports;

/// <summary>
/// How many channels a port has: a fixed number from the parameters, inferred from what is linked into
/// an input (DSP nodes such as <c>gain</c>), or the same as one of the node's inputs (for outputs).
/// </summary>
public readonly record struct ChannelCount
{
    private ChannelCount(int count, string? sameAs)
    {
        Count = count;
        SameAsInput = sameAs;
    }

    /// <summary>The fixed channel count, or 0 when inferred.</summary>
    public int Count { get; }

    /// <summary>For an output: the input port whose channel count it takes; otherwise null.</summary>
    public string? SameAsInput { get; }

    /// <summary>True when the count is resolved from links (input) or another port (output).</summary>
    public bool IsInferred => Count == 0;

    /// <summary>A fixed channel count (≥ 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channels"/> is below 1.</exception>
    public static ChannelCount Fixed(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        return new ChannelCount(channels, null);
    }

    /// <summary>
    /// For an input: as many channels as the links into it carry (every link must carry the same count;
    /// links that pick single channels with <c>[i]</c> address channel i and make it at least i+1).
    /// </summary>
    public static ChannelCount FromLinks { get; } = new(0, null);

    /// <summary>For an output: the channel count of input port <paramref name="inputPort"/>.</summary>
    public static ChannelCount SameAs(string inputPort) => new(0, inputPort);

    /// <inheritdoc />
    public override string ToString() =>
        Count > 0 ? Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : SameAsInput is null ? "from links" : $"same as {SameAsInput}";
}
