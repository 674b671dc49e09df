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
    /// Registers every <see cref="NodeTypeAttribute"/> class of <paramref name="assembly"/> in place of plugin
    /// <paramref name="pluginName"/>'s previous types (and of types of the same name), and its device catalogs (public
    /// concrete <see cref="IDeviceCatalog"/> classes with a parameterless constructor) and command providers (the same,
    /// implementing <see cref="ICommandProvider"/>), replacing those of the same plugin; all in one atomic swap.
    /// Returns problems with individual types: a type whose metadata cannot be read (a damaged assembly) is skipped
    /// with its reason, and the others are registered.
    /// </summary>
    /// <exception cref="InvalidOperationException">The assembly's list of types cannot be read at all; nothing was registered.</exception>
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
        catch (Exception ex)
        {
            throw new InvalidOperationException($"the types of {SafeName(assembly)} cannot be read: {ex.GetType().Name}: {ex.Message}", ex);
        }

        var catalogs = new List<PluginTypeDescriptor<IDeviceCatalog>>();
        var commandProviders = new List<PluginTypeDescriptor<ICommandProvider>>();
        foreach (Type type in types)
        {
            // Any reflection over a damaged assembly's metadata can throw (BadImageFormatException, TypeLoadException,
            // FileLoadException, CustomAttributeFormatException, MissingMethodException, ArgumentException...): one
            // type's failure skips that type only.
            try
            {
                Scan(type, pluginName, pluginPath, found, catalogs, commandProviders, problems);
            }
            catch (Exception ex)
            {
                problems.Add($"{SafeName(type)}: skipped, its metadata cannot be read: {ex.GetType().Name}: {ex.Message}");
            }
        }

        lock (_gate)
        {
            var next = _types.Values.Where(d => d.PluginName != pluginName).ToDictionary(d => d.Name, StringComparer.Ordinal);
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

    private static void Scan(Type type, string pluginName, string? pluginPath, List<NodeTypeDescriptor> found,
        List<PluginTypeDescriptor<IDeviceCatalog>> catalogs, List<PluginTypeDescriptor<ICommandProvider>> commandProviders, List<string> problems)
    {
        bool catalog = IsDeviceCatalog(type);
        bool commands = IsCreatable(type, typeof(ICommandProvider));
        NodeTypeAttribute? attr = type.GetCustomAttribute<NodeTypeAttribute>();
        if (attr is not null)
        {
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

        // Added last: a type that failed above registers nothing.
        if (catalog)
        {
            catalogs.Add(new PluginTypeDescriptor<IDeviceCatalog>(type, pluginName));
        }

        if (commands)
        {
            commandProviders.Add(new PluginTypeDescriptor<ICommandProvider>(type, pluginName));
        }
    }

    private static string SafeName(Type type)
    {
        try
        {
            return type.FullName ?? type.Name;
        }
        catch (Exception)
        {
            return "a type";
        }
    }

    private static string SafeName(Assembly assembly)
    {
        try
        {
            return assembly.GetName().Name ?? "the assembly";
        }
        catch (Exception)
        {
            return "the assembly";
        }
    }

    private static bool IsDeviceCatalog(Type type) => IsCreatable(type, typeof(IDeviceCatalog));

    // A public, concrete class implementing the interface, with a parameterless constructor.
    private static bool IsCreatable(Type type, Type contract) =>
        type.IsClass && type.IsPublic && !type.IsAbstract && !type.ContainsGenericParameters
        && contract.IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null;
}
