using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Engine.Validation;

/// <summary>A node checked against its type: bound parameters and resolved ports.</summary>
/// <param name="Index">Position in <see cref="ValidatedGraph.Nodes"/>.</param>
/// <param name="Definition">As written.</param>
/// <param name="Type">Its node type.</param>
/// <param name="Parameters">The bound, validated parameters.</param>
/// <param name="Inputs">Input ports, in declaration order.</param>
/// <param name="Outputs">Output ports, in declaration order.</param>
public sealed record ResolvedNode(int Index, NodeDefinition Definition, NodeTypeDescriptor Type, NodeParameters Parameters,
    IReadOnlyList<ResolvedPort> Inputs, IReadOnlyList<ResolvedPort> Outputs)
{
    /// <summary>The node id.</summary>
    public string Id => Definition.Id;

    /// <summary>True when this node drives its own clock domain: its type is a driver and its parameters ask it to.</summary>
    public bool IsDriver => Type.IsDriver && Parameters.DrivesClock;
}
