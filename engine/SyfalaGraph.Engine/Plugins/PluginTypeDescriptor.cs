namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// A class of a plugin that the host creates on demand — a public, concrete implementation of
/// <typeparamref name="T"/> (<c>IDeviceCatalog</c>, <c>ICommandProvider</c>) with a parameterless constructor. The
/// registry keeps only the type, and only while its plugin is loaded; instances are created with <see cref="Create"/>
/// and are the caller's to drop, so nothing pins an unloaded plugin's context.
/// </summary>
/// <typeparam name="T">The contract interface the class implements.</typeparam>
public sealed class PluginTypeDescriptor<T>
    where T : class
{
    internal PluginTypeDescriptor(Type implementationType, string pluginName)
    {
        ImplementationType = implementationType;
        PluginName = pluginName;
    }

    /// <summary>The class implementing <typeparamref name="T"/>.</summary>
    public Type ImplementationType { get; }

    /// <summary>The plugin folder name (or assembly name for types registered from a loaded assembly).</summary>
    public string PluginName { get; }

    /// <summary>Creates a new instance. Audio thread: no.</summary>
    /// <exception cref="InvalidOperationException">The constructor threw (the message names the class and the reason).</exception>
    public T Create()
    {
        try
        {
            return (T)Activator.CreateInstance(ImplementationType)!;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"{ImplementationType.FullName}: constructor failed: {ex.InnerException.Message}", ex.InnerException);
        }
    }
}
