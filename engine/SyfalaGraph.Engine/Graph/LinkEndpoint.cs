namespace SyfalaGraph.Engine.Graph;

/// <summary>One side of a link: <c>node.port</c> or <c>node.port[channel]</c>.</summary>
/// <param name="Node">The node id.</param>
/// <param name="Port">The port name.</param>
/// <param name="Channel">The picked channel (from 0), or null for the whole port.</param>
/// <param name="NodePosition">Where the node id is written.</param>
/// <param name="PortPosition">Where the port name is written.</param>
/// <param name="ChannelPosition">Where the channel index is written (or the port's position).</param>
public sealed record LinkEndpoint(string Node, string Port, int? Channel, SourcePosition NodePosition, SourcePosition PortPosition, SourcePosition ChannelPosition)
{
    /// <inheritdoc />
    public override string ToString() => Channel is null ? $"{Node}.{Port}" : $"{Node}.{Port}[{Channel}]";
}
