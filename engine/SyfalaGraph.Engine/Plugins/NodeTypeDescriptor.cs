using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Engine.Parameters;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// A node type found in a plugin: what it is called, what it takes, what roles it plays. Everything here is read
/// from the type's metadata when the descriptor is created, so that a damaged assembly fails then — and the type is
/// skipped by <see cref="NodeTypeRegistry.AddAssembly"/> — rather than in <c>nodes</c>, <c>schema</c> or validation.
/// </summary>
public sealed class NodeTypeDescriptor
{
    /// <exception cref="Exception">Whatever reflection throws on damaged metadata (BadImageFormatException, TypeLoadException...).</exception>
    internal NodeTypeDescriptor(NodeTypeAttribute attribute, Type nodeType, string pluginName, string? pluginPath)
    {
        Name = attribute.Name;
        Description = attribute.Description;
        NodeType = nodeType;
        ParametersType = attribute.ParametersType;
        PluginName = pluginName;
        PluginPath = pluginPath;
        IsDecoupled = typeof(IDecoupledNode).IsAssignableFrom(nodeType);
        IsDriver = typeof(IDriverNode).IsAssignableFrom(nodeType);
        IsService = typeof(IServiceNode).IsAssignableFrom(nodeType);
        Parameters = ParameterBinder.Describe(ParametersType);
        DescribeNested(Parameters, [ParametersType]);
        foreach (System.Reflection.ConstructorInfo c in nodeType.GetConstructors())
        {
            _ = c.GetParameters(); // what the runtime reads to construct a node
        }
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
    public IReadOnlyList<ParameterDescriptor> Parameters { get; }

    /// <summary>Outputs do not depend on same-block inputs (<see cref="IDecoupledNode"/>).</summary>
    public bool IsDecoupled { get; }

    /// <summary>Owns a clock (<see cref="IDriverNode"/>).</summary>
    public bool IsDriver { get; }

    /// <summary>Runs threads between start and stop (<see cref="IServiceNode"/>).</summary>
    public bool IsService { get; }

    // The records that parameters nest (the binder describes them when it binds one), described now too.
    private static void DescribeNested(IReadOnlyList<ParameterDescriptor> parameters, HashSet<Type> seen)
    {
        foreach (ParameterDescriptor p in parameters)
        {
            Type type = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
            type = ParameterBinder.ElementType(type) is { } element ? Nullable.GetUnderlyingType(element) ?? element : type;
            if (type != typeof(string) && !type.IsPrimitive && !type.IsEnum && type != typeof(decimal) && seen.Add(type)
                && type.GetConstructor(Type.EmptyTypes) is not null)
            {
                DescribeNested(ParameterBinder.Describe(type), seen);
            }
        }
    }
}
