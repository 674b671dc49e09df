using SyfalaGraph.Engine.Graph;

namespace SyfalaGraph.Engine.Validation;

/// <summary>A link between two resolved ports, as channel pairs.</summary>
/// <param name="Definition">As written.</param>
/// <param name="Source">Source node index.</param>
/// <param name="SourcePort">Output port index on the source.</param>
/// <param name="Destination">Destination node index.</param>
/// <param name="DestinationPort">Input port index on the destination.</param>
/// <param name="Channels">(source channel, destination channel) pairs carried by the link.</param>
public sealed record ResolvedLink(LinkDefinition Definition, int Source, int SourcePort, int Destination, int DestinationPort,
    IReadOnlyList<(int Source, int Destination)> Channels)
{
    /// <summary>True when the link copies a whole port onto a port of the same width, channel for channel.</summary>
    public bool IsWholePort => Definition.From.Channel is null && Definition.To.Channel is null;
}
