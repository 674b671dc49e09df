using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Engine.Validation;

/// <summary>A port with its channel count resolved.</summary>
/// <param name="Declaration">As the node declared it.</param>
/// <param name="Index">Its index among the node's inputs or outputs.</param>
/// <param name="Channels">The resolved channel count (≥ 1).</param>
public sealed record ResolvedPort(PortDeclaration Declaration, int Index, int Channels)
{
    /// <summary>The port name.</summary>
    public string Name => Declaration.Name;
}
