using System.Collections.Immutable;

namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>
/// The formats a server advertises in <see cref="ServerMessageKind.Connect"/>: the reference's
/// <c>StreamFormats { inputs, outputs }</c> (SYFALA-WIRE.md, "StreamFormats" and "Semantics").
/// </summary>
/// <remarks>
/// <para><see cref="Inputs"/> are the streams the server sends to the client (e.g. its ADCs); <see cref="Outputs"/>
/// are the streams the client sends to the server (e.g. its DACs). A client's audio <c>stream_idx</c> indexes
/// <see cref="Outputs"/>; a server's indexes <see cref="Inputs"/>.</para>
/// <para>Wire layout (postcard): varint count, that many <see cref="StreamFormat"/>; then the same for outputs.
/// Immutable; formats are fixed for a connection's lifetime.</para>
/// </remarks>
public sealed class StreamFormats : IEquatable<StreamFormats>
{
    /// <summary>Creates formats from the two lists (copied; collection expressions work: <c>new StreamFormats([a, b], [])</c>).</summary>
    /// <param name="inputs">Streams the server sends (server → client).</param>
    /// <param name="outputs">Streams the server receives (client → server).</param>
    public StreamFormats(ReadOnlySpan<StreamFormat> inputs, ReadOnlySpan<StreamFormat> outputs)
    {
        Inputs = ImmutableArray.Create(inputs);
        Outputs = ImmutableArray.Create(outputs);
    }

    private StreamFormats(ImmutableArray<StreamFormat> inputs, ImmutableArray<StreamFormat> outputs)
    {
        Inputs = inputs.IsDefault ? [] : inputs;
        Outputs = outputs.IsDefault ? [] : outputs;
    }

    /// <summary>No streams either way (wire: <c>00 00</c>).</summary>
    public static StreamFormats Empty { get; } = Wrap([], []);

    /// <summary>Streams the server sends to the client; a server's audio <c>stream_idx</c> indexes this list.</summary>
    public ImmutableArray<StreamFormat> Inputs { get; }

    /// <summary>Streams the client sends to the server; a client's audio <c>stream_idx</c> indexes this list.</summary>
    public ImmutableArray<StreamFormat> Outputs { get; }

    /// <summary>Wraps two immutable lists without copying (the decoder's path).</summary>
    internal static StreamFormats Wrap(ImmutableArray<StreamFormat> inputs, ImmutableArray<StreamFormat> outputs) => new(inputs, outputs);

    /// <inheritdoc/>
    public bool Equals(StreamFormats? other) =>
        other is not null && Inputs.AsSpan().SequenceEqual(other.Inputs.AsSpan()) && Outputs.AsSpan().SequenceEqual(other.Outputs.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as StreamFormats);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (StreamFormat f in Inputs)
        {
            hash.Add(f);
        }

        hash.Add(-1);
        foreach (StreamFormat f in Outputs)
        {
            hash.Add(f);
        }

        return hash.ToHashCode();
    }

    /// <summary>A short description such as <c>inputs [48000 Hz 2 ch F32 /32], outputs []</c>.</summary>
    public override string ToString()
    {
        static string List(ImmutableArray<StreamFormat> list) =>
            "[" + string.Join(", ", list.Select(f => $"{f.SampleRate} Hz {f.ChannelCount} ch {f.SampleType} /{f.BufferSize}")) + "]";
        return $"inputs {List(Inputs)}, outputs {List(Outputs)}";
    }
}
