using System.Reflection;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>A plugin folder that was loaded (or failed to load).</summary>
/// <param name="Name">The folder name.</param>
/// <param name="Folder">The folder in the plugins directory.</param>
/// <param name="Context">Its load context, or null when loading failed.</param>
/// <param name="Assembly">Its main assembly, or null when loading failed.</param>
/// <param name="NodeTypes">The node type names it provides.</param>
/// <param name="Error">Why loading failed, or null.</param>
public sealed record LoadedPlugin(string Name, string Folder, PluginLoadContext? Context, Assembly? Assembly,
    IReadOnlyList<string> NodeTypes, string? Error);
