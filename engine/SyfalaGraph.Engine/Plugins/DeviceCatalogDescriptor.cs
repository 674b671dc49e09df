using SyfalaGraph.Abstractions.Devices;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// A device catalog class found in a plugin (a public, concrete <see cref="IDeviceCatalog"/> with a parameterless
/// constructor). The registry keeps only the type, and only while its plugin is loaded; instances are created on
/// demand with <see cref="Create"/> and are the caller's to drop, so nothing pins an unloaded plugin's context.
/// </summary>
public sealed class DeviceCatalogDescriptor
{
    internal DeviceCatalogDescriptor(Type catalogType, string pluginName)
    {
        CatalogType = catalogType;
        PluginName = pluginName;
    }

    /// <summary>The class implementing <see cref="IDeviceCatalog"/>.</summary>
    public Type CatalogType { get; }

    /// <summary>The plugin folder name (or assembly name for types registered from a loaded assembly).</summary>
    public string PluginName { get; }

    /// <summary>Creates a new instance. Audio thread: no.</summary>
    /// <exception cref="InvalidOperationException">The constructor threw (the message names the class and the reason).</exception>
    public IDeviceCatalog Create()
    {
        try
        {
            return (IDeviceCatalog)Activator.CreateInstance(CatalogType)!;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"{CatalogType.FullName}: constructor failed: {ex.InnerException.Message}", ex.InnerException);
        }
    }
}
