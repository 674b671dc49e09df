using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Core;

/// <summary>
/// Parameters of <see cref="MixNode"/> (<c>type: mix</c>). <see cref="GainDb"/> and <see cref="SmoothingMs"/>
/// can change live; a change of <see cref="Inputs"/> or <see cref="Channels"/> recreates the node.
/// Equality compares <see cref="GainDb"/> element by element (not by array reference).
/// </summary>
public sealed record MixParameters : NodeParameters
{
    /// <summary>Lowest accepted per-input gain, in dB.</summary>
    public const double MinGainDb = -120.0;

    /// <summary>Highest accepted per-input gain, in dB.</summary>
    public const double MaxGainDb = 40.0;

    /// <summary>Number of inputs, 1..64: ports <c>in0</c> .. <c>in{inputs-1}</c>.</summary>
    [Description("Number of inputs: ports in0 .. in{inputs-1}.")]
    [Range(1, 64)]
    public int Inputs { get; init; } = 2;

    /// <summary>Optional gain per input in dB (-120..+40), exactly <see cref="Inputs"/> values; omitted = 0 dB each.</summary>
    [Description("Optional gain of each input in dB (-120..+40), one value per input; omitted = 0 dB for every input.")]
    [Unit("dB")]
    public double[]? GainDb { get; init; }

    /// <summary>Optional output channel count, 1..64; omitted = the channel count of <c>in0</c>.</summary>
    [Description("Output channels; omitted = as many as in0. A mono input is spread to every output channel.")]
    [Range(1, 64)]
    public int? Channels { get; init; }

    /// <summary>Duration of the linear ramp applied when gains change live, 0..1000 ms (0 = jump).</summary>
    [Description("Length of the linear ramp when gain_db changes while running (no zipper noise); 0 jumps.")]
    [Range(0.0, 1000.0)]
    [Unit("ms")]
    public double SmoothingMs { get; init; } = 10.0;

    /// <summary>The gain of input <paramref name="input"/> in dB (0 when <see cref="GainDb"/> is omitted).</summary>
    public double GainDbOf(int input) => GainDb is { } gains ? gains[input] : 0.0;

    /// <summary>Declares inputs <c>in0</c>.. (channels from links) and output <c>out</c> (<see cref="Channels"/>, or as <c>in0</c>).</summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        for (int i = 0; i < Inputs; i++)
        {
            ports.Input(string.Create(CultureInfo.InvariantCulture, $"in{i}"), ChannelCount.FromLinks,
                "A signal to mix: as many channels as the output, or mono (spread to every output channel).");
        }

        ports.Output("out", Channels is int channels ? ChannelCount.Fixed(channels) : ChannelCount.SameAs("in0"),
            "The sum of the inputs, each times its gain.");
    }

    /// <summary>Checks that <see cref="GainDb"/> has one finite value in range per input.</summary>
    public override IEnumerable<ParameterError> Validate()
    {
        if (GainDb is not { } gains)
        {
            yield break;
        }

        if (gains.Length != Inputs)
        {
            yield return new ParameterError("gain_db", string.Create(CultureInfo.InvariantCulture,
                $"gain_db has {gains.Length} value(s) but inputs is {Inputs}: give exactly one gain in dB per input, or omit gain_db for 0 dB each"));
            yield break;
        }

        for (int i = 0; i < gains.Length; i++)
        {
            if (!(gains[i] >= MinGainDb && gains[i] <= MaxGainDb))
            {
                yield return new ParameterError("gain_db", string.Create(CultureInfo.InvariantCulture,
                    $"gain_db[{i}] is {gains[i]} dB; each gain must be between {MinGainDb} and {MaxGainDb} dB"));
            }
        }
    }

    /// <summary>Value equality, comparing <see cref="GainDb"/> element by element.</summary>
    public bool Equals(MixParameters? other) =>
        other is not null
        && Inputs == other.Inputs
        && Channels == other.Channels
        && SmoothingMs.Equals(other.SmoothingMs)
        && (ReferenceEquals(GainDb, other.GainDb)
            || (GainDb is not null && other.GainDb is not null && GainDb.AsSpan().SequenceEqual(other.GainDb)));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Inputs);
        hash.Add(Channels);
        hash.Add(SmoothingMs);
        if (GainDb is { } gains)
        {
            foreach (double g in gains)
            {
                hash.Add(g);
            }
        }

        return hash.ToHashCode();
    }
}
