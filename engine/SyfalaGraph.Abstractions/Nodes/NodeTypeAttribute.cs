namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>
/// Marks a class derived from <see cref="AudioNode"/> as a node type that graphs can name in
/// <c>nodes.&lt;id&gt;.type</c>. The engine discovers node types in plugin assemblies by this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NodeTypeAttribute : Attribute
{
    /// <summary>Marks a node type that takes no parameters (<see cref="Parameters.NoParameters"/>: any <c>params:</c> key is an error).</summary>
    /// <param name="name">The type name used in graph files, lower case with dots (<c>file.reader</c>, <c>gain</c>).</param>
    public NodeTypeAttribute(string name)
        : this(name, typeof(Parameters.NoParameters))
    {
    }

    /// <summary>Marks a node type whose YAML <c>params:</c> map binds to <paramref name="parametersType"/>.</summary>
    /// <param name="name">The type name used in graph files, lower case with dots (<c>file.reader</c>, <c>gain</c>).</param>
    /// <param name="parametersType">The <see cref="Parameters.NodeParameters"/> record that the YAML <c>params:</c> map binds to.</param>
    public NodeTypeAttribute(string name, Type parametersType)
    {
        Name = name;
        ParametersType = parametersType;
    }

    /// <summary>The type name used in graph files.</summary>
    public string Name { get; }

    /// <summary>The parameters record type; must derive from <see cref="Parameters.NodeParameters"/> and have a parameterless constructor.</summary>
    public Type ParametersType { get; }

    /// <summary>One sentence shown by <c>syfala-graph nodes</c> and in the JSON Schema.</summary>
    public string Description { get; init; } = "";
}
