using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Engine.Parameters;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>A node type found in a plugin: what it is called, what it takes, what roles it plays.</summary>
public sealed class NodeTypeDescriptor
{
    internal NodeTypeDescriptor(NodeTypeAttribute attribute, Type nodeType, string pluginName, string? pluginPath)
    {
        Name = attribute.Name;
        Description = attribute.Description;
        NodeType = nodeType;
        ParametersType = attribute.ParametersType;
        PluginName = pluginName;
        PluginPath = pluginPath;
    }

    /// <summary>The type name graph files use.</summary>
    public string Name { get; }

    /// <summary>One sentence for docs.</summary>
    public string Description { get; }

    /// <summary>The <see cref="AudioNode"/> subclass.</summary>
    public Type NodeType { get; }

    /// <summary>The <see cref="NodeParameters"/> record.</summary>
    public Type ParametersType { get; }

    /// <summary>The plugin folder name (or assembly name for built-in types).</summary>
    public string PluginName { get; }

    /// <summary>The plugin folder, or null for types registered from a loaded assembly.</summary>
    public string? PluginPath { get; }

    /// <summary>The bindable parameters.</summary>
    public IReadOnlyList<ParameterDescriptor> Parameters => ParameterBinder.Describe(ParametersType);

    /// <summary>Outputs do not depend on same-block inputs (<see cref="IDecoupledNode"/>).</summary>
    public bool IsDecoupled => typeof(IDecoupledNode).IsAssignableFrom(NodeType);

    /// <summary>Owns a clock (<see cref="IDriverNode"/>).</summary>
    public bool IsDriver => typeof(IDriverNode).IsAssignableFrom(NodeType);

    /// <summary>Runs threads between start and stop (<see cref="IServiceNode"/>).</summary>
    public bool IsService => typeof(IServiceNode).IsAssignableFrom(NodeType);
}
