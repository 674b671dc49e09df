using System.Reflection;
using SyfalaGraph.Abstractions.Commands;
using SyfalaGraph.Abstractions.Devices;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// The node types known to the engine, by type name, and the plugins' device catalogs and command providers.
/// Thread-safe for readers while plugins are added.
/// </summary>
public sealed class NodeTypeRegistry
{
    private readonly Lock _gate = new();
    private Dictionary<string, NodeTypeDescriptor> _types = new(StringComparer.Ordinal);
    private PluginTypeDescriptor<IDeviceCatalog>[] _catalogs = [];
    private PluginTypeDescriptor<ICommandProvider>[] _commandProviders = [];

    /// <summary>The name under which the engine's own node types (<c>realtime.clock</c>) are registered.</summary>
    public const string BuiltInPluginName = "engine";

    /// <summary>Creates a registry holding the engine's built-in node types.</summary>
    public NodeTypeRegistry()
    {
        _ = AddAssembly(typeof(NodeTypeRegistry).Assembly, BuiltInPluginName);
    }

    /// <summary>Every known type, by name.</summary>
    public IReadOnlyDictionary<string, NodeTypeDescriptor> Types => _types;

    /// <summary>The device catalogs of the loaded plugins, in the order their plugins were added.</summary>
    public IReadOnlyList<PluginTypeDescriptor<IDeviceCatalog>> DeviceCatalogs => _catalogs;

    /// <summary>The command providers of the loaded plugins (the <c>syfala-graph</c> subcommands they add), in the order their plugins were added.</summary>
    public IReadOnlyList<PluginTypeDescriptor<ICommandProvider>> CommandProviders => _commandProviders;

    /// <summary>Looks a type up by its graph-file name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NodeTypeDescriptor? descriptor) =>
        _types.TryGetValue(name, out descriptor);

    /// <summary>
    /// Registers every <see cref="NodeTypeAttribute"/> class of <paramref name="assembly"/>, replacing
    /// types of the same name, and its device catalogs (public concrete <see cref="IDeviceCatalog"/> classes with a
    /// parameterless constructor) and command providers (the same, implementing <see cref="ICommandProvider"/>), replacing
    /// those of the same plugin. Returns problems with individual types (each skipped).
    /// </summary>
    public IReadOnlyList<string> AddAssembly(Assembly assembly, string pluginName, string? pluginPath = null)
    {
        var problems = new List<string>();
        var found = new List<NodeTypeDescriptor>();
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types.Where(t => t is not null).ToArray()!;
            problems.AddRange(ex.LoaderExceptions.Where(e => e is not null).Select(e => e!.Message).Distinct());
        }

        var catalogs = new List<PluginTypeDescriptor<IDeviceCatalog>>();
        var commandProviders = new List<PluginTypeDescriptor<ICommandProvider>>();
        foreach (Type type in types)
        {
            if (IsDeviceCatalog(type))
            {
                catalogs.Add(new PluginTypeDescriptor<IDeviceCatalog>(type, pluginName));
            }

            if (IsCreatable(type, typeof(ICommandProvider)))
            {
                commandProviders.Add(new PluginTypeDescriptor<ICommandProvider>(type, pluginName));
            }

            NodeTypeAttribute? attr = type.GetCustomAttribute<NodeTypeAttribute>();
            if (attr is null)
            {
                continue;
            }

            if (!typeof(AudioNode).IsAssignableFrom(type) || type.IsAbstract)
            {
                problems.Add($"{type.FullName}: a [NodeType] class must be a concrete AudioNode");
            }
            else if (!typeof(NodeParameters).IsAssignableFrom(attr.ParametersType) || attr.ParametersType.GetConstructor(Type.EmptyTypes) is null)
            {
                problems.Add($"{type.FullName}: parameters type {attr.ParametersType.Name} must derive from NodeParameters and have a parameterless constructor");
            }
            else
            {
                found.Add(new NodeTypeDescriptor(attr, type, pluginName, pluginPath));
            }
        }

        lock (_gate)
        {
            var next = new Dictionary<string, NodeTypeDescriptor>(_types, StringComparer.Ordinal);
            foreach (NodeTypeDescriptor d in found)
            {
                next[d.Name] = d;
            }

            _types = next; // readers see the old or the new dictionary, never a half-built one
            _catalogs = [.. _catalogs.Where(c => c.PluginName != pluginName), .. catalogs];
            _commandProviders = [.. _commandProviders.Where(c => c.PluginName != pluginName), .. commandProviders];
        }

        return problems;
    }

    /// <summary>Removes the types, device catalogs and command providers that came from plugin <paramref name="pluginName"/>.</summary>
    public void RemovePlugin(string pluginName)
    {
        lock (_gate)
        {
            _types = _types.Values.Where(d => d.PluginName != pluginName).ToDictionary(d => d.Name, StringComparer.Ordinal);
            _catalogs = [.. _catalogs.Where(c => c.PluginName != pluginName)];
            _commandProviders = [.. _commandProviders.Where(c => c.PluginName != pluginName)];
        }
    }

    private static bool IsDeviceCatalog(Type type) => IsCreatable(type, typeof(IDeviceCatalog));

    // A public, concrete class implementing the interface, with a parameterless constructor.
    private static bool IsCreatable(Type type, Type contract) =>
        type.IsClass && type.IsPublic && !type.IsAbstract && !type.ContainsGenericParameters
        && contract.IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null;
}
