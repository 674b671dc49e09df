using SyfalaGraph.Abstractions.Commands;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// A command provider class found in a plugin (a public, concrete <see cref="ICommandProvider"/> with a parameterless
/// constructor). As with device catalogs, the registry keeps only the type while its plugin is loaded; instances are
/// created on demand with <see cref="Create"/>.
/// </summary>
public sealed class CommandProviderDescriptor
{
    internal CommandProviderDescriptor(Type providerType, string pluginName)
    {
        ProviderType = providerType;
        PluginName = pluginName;
    }

    /// <summary>The class implementing <see cref="ICommandProvider"/>.</summary>
    public Type ProviderType { get; }

    /// <summary>The plugin folder name (or assembly name for types registered from a loaded assembly).</summary>
    public string PluginName { get; }

    /// <summary>Creates a new instance. Audio thread: no.</summary>
    /// <exception cref="InvalidOperationException">The constructor threw (the message names the class and the reason).</exception>
    public ICommandProvider Create()
    {
        try
        {
            return (ICommandProvider)Activator.CreateInstance(ProviderType)!;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"{ProviderType.FullName}: constructor failed: {ex.InnerException.Message}", ex.InnerException);
        }
    }
}
