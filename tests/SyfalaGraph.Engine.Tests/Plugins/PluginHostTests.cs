using System.Runtime.CompilerServices;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Engine.Tests.Plugins;

public class PluginHostTests
{
    [Fact]
    public void Built_plugins_load_from_the_cli_plugins_folder_with_their_node_types()
    {
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(RepoPaths.CliPlugins, registry);
        Assert.Empty(host.LoadAll());
        foreach (string type in new[] { "tone", "gain", "mix", "meter", "file.reader", "file.writer" })
        {
            Assert.True(registry.TryGet(type, out NodeTypeDescriptor? d), type);
            Assert.NotNull(d!.PluginPath);
        }

        // The contract keeps one identity: the plugin's AudioNode is the host's AudioNode.
        Assert.True(typeof(SyfalaGraph.Abstractions.Nodes.AudioNode).IsAssignableFrom(registry.Types["gain"].NodeType));
    }

    [Fact]
    public void A_broken_plugin_is_reported_with_its_path_and_does_not_stop_the_others()
    {
        string dir = RepoPaths.NewTempDir("plugins");
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "Core"), Path.Combine(dir, "Core"));
        string broken = Path.Combine(dir, "Broken");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "Broken.dll"), "not an assembly");
        File.WriteAllText(Path.Combine(broken, "Broken.deps.json"), "{}");
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(dir, registry);
        LoadedPlugin failure = Assert.Single(host.LoadAll());
        Assert.Equal("Broken", failure.Name);
        Assert.Equal(broken, failure.Folder);
        Assert.False(string.IsNullOrEmpty(failure.Error));
        Assert.True(registry.TryGet("gain", out _));
    }

    [Fact]
    public void Plugin_files_are_not_locked_and_an_unloaded_context_is_collected()
    {
        string dir = RepoPaths.NewTempDir("plugins");
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "Core"), Path.Combine(dir, "Core"));
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(dir, registry);
        WeakReference weak = LoadUseAndUnload(host, registry);

        // Loaded from a shadow copy: the plugin folder can be deleted while loaded.
        Directory.Delete(Path.Combine(dir, "Core"), recursive: true);
        for (int i = 0; i < 50 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(100);
        }

        Assert.False(weak.IsAlive, "the unloaded plugin context was not collected within 5 s");
        Assert.False(registry.TryGet("gain", out _));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadUseAndUnload(PluginHost host, NodeTypeRegistry registry)
    {
        Assert.Empty(host.LoadAll());
        Assert.True(registry.TryGet("gain", out NodeTypeDescriptor? gain));
        _ = gain!.Parameters.Count; // touch reflection caches
        return host.Unload("Core")!;
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
    }
}
