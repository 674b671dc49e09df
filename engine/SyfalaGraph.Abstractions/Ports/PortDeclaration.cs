namespace SyfalaGraph.Abstractions.Ports;

/// <summary>One audio port of a node.</summary>
/// <param name="Name">The name used in links (<c>node.name</c>), lower case.</param>
/// <param name="Direction">Input or output.</param>
/// <param name="Channels">Fixed or inferred channel count.</param>
/// <param name="Description">Shown by <c>syfala-graph nodes</c>.</param>
public sealed record PortDeclaration(string Name, PortDirection Direction, ChannelCount Channels, string Description);
