using System.Reflection;
using System.Runtime.Loader;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// A load context for one plugin folder, collectible when the plugin may be replaced or removed while the host runs. The plugin's own dependencies resolve through its
/// <c>.deps.json</c> (<see cref="AssemblyDependencyResolver"/>); the contract assemblies — SyfalaGraph.Abstractions
/// and the Microsoft.Extensions.*.Abstractions — always come from the host so that their types keep one identity.
/// </summary>
public sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    /// <summary>
    /// Creates the context for the plugin whose main assembly is <paramref name="mainAssemblyPath"/> (in its shadow copy),
    /// copied from <paramref name="pluginFolder"/>. Its <c>.deps.json</c> must have passed <see cref="DepsJsonValidator"/>:
    /// the resolver created here parses it in native code. With <paramref name="collectible"/> false the context can never
    /// be unloaded, and the runtime uses the plugin's ReadyToRun code: it ignores precompiled code in collectible
    /// contexts and JIT-compiles every method (dotnet/runtime#40704; measured here, see the engine README).
    /// </summary>
    public PluginLoadContext(string pluginName, string mainAssemblyPath, string? pluginFolder = null, bool collectible = true)
        : base("plugin:" + pluginName, isCollectible: collectible)
    {
        ShadowFolder = Path.GetDirectoryName(Path.GetFullPath(mainAssemblyPath))!;
        PluginFolder = pluginFolder ?? ShadowFolder;
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    /// <summary>The plugin's folder in the plugins directory: the path users know.</summary>
    public string PluginFolder { get; }

    /// <summary>The shadow copy the assemblies are loaded from (the path the runtime's messages name).</summary>
    public string ShadowFolder { get; }

    /// <summary>
    /// <paramref name="message"/> with the shadow copy's folder replaced by the plugin's folder, when
    /// <paramref name="type"/> comes from a plugin context; unchanged otherwise.
    /// </summary>
    public static string WithRealPaths(string message, Type? type) =>
        type is not null && GetLoadContext(type.Assembly) is PluginLoadContext context
            ? message.Replace(context.ShadowFolder, context.PluginFolder, StringComparison.Ordinal)
            : message;

    /// <summary>True for assemblies that every plugin shares with the host.</summary>
    public static bool IsShared(AssemblyName name) =>
        name.Name is { } n && (n == "SyfalaGraph.Abstractions"
            || (n.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && n.EndsWith(".Abstractions", StringComparison.Ordinal)));

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            return null; // defer to the host's (default) context
        }

        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
