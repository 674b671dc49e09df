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

    [Fact]
    public void A_deps_json_of_a_wrong_type_is_reported_at_the_plugins_path_and_skipped_and_the_others_load()
    {
        string dir = RepoPaths.NewTempDir("plugins");
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "Core"), Path.Combine(dir, "Core"));
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "File"), Path.Combine(dir, "File"));
        string deps = Path.Combine(dir, "Core", "SyfalaGraph.Plugins.Core.deps.json");
        File.WriteAllText(deps, File.ReadAllText(deps).Replace("\"libraries\": {", "\"libraries\": \"x\", \"unused\": {", StringComparison.Ordinal));
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(dir, registry);
        LoadedPlugin failure = Assert.Single(host.LoadAll());
        Assert.Equal(Path.Combine(dir, "Core"), failure.Folder);
        Assert.Equal($"{deps} is not a valid .deps.json: $.libraries: expected an object, found a string; rebuild the plugin", failure.Error);
        Assert.False(registry.TryGet("gain", out _));
        Assert.True(registry.TryGet("file.reader", out _));
        // The refused plugin's shadow copy is gone; the loaded one's stays while it is in use.
        string ours = Assert.Single(Directory.GetDirectories(PluginHost.ShadowParent), d => File.Exists(Path.Combine(d, PluginHost.OwnerFileName))
            && Directory.GetDirectories(d).Any(c => Path.GetFileName(c).StartsWith("File-", StringComparison.Ordinal)) && OwnedBy(host, d));
        Assert.Equal(["File-2"], Directory.GetDirectories(ours).Select(Path.GetFileName));
    }

    [Fact]
    public void A_damaged_rebuild_is_reported_and_the_previous_version_stays_in_use()
    {
        string dir = RepoPaths.NewTempDir("plugins");
        string core = Path.Combine(dir, "Core");
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "Core"), core);
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(dir, registry);
        Assert.Empty(host.LoadAll());
        NodeTypeDescriptor gain = registry.Types["gain"];
        File.WriteAllBytes(Path.Combine(core, "SyfalaGraph.Plugins.Core.dll"), new byte[4096]);
        LoadedPlugin failed = host.Load(core, out PluginLoadContext? previous);
        Assert.NotNull(previous);
        Assert.NotNull(failed.Error);
        Assert.DoesNotContain(PluginHost.ShadowParent, failed.Error, StringComparison.Ordinal);
        Assert.Same(gain, registry.Types["gain"]);
        Assert.Same(previous, host.Plugins["Core"].Context);
    }

    [Fact]
    public void Shadow_copies_whose_owner_has_ended_are_removed_and_the_others_are_kept()
    {
        string parent = RepoPaths.NewTempDir("shadow");
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        long selfStart = self.StartTime.ToUniversalTime().Ticks;
        using var ended = System.Diagnostics.Process.Start("true")!;
        ended.WaitForExit();
        string dead = Shadow(parent, "dead", PluginHost.OwnerText(ended.Id, DateTime.UtcNow.Ticks));
        string reused = Shadow(parent, "reused", PluginHost.OwnerText(self.Id, selfStart - TimeSpan.TicksPerHour)); // our pid, another process's start
        string live = Shadow(parent, "live", PluginHost.OwnerText(self.Id, selfStart));
        string unmarked = Shadow(parent, "unmarked", null);
        string garbled = Shadow(parent, "garbled", "not a pid");

        IReadOnlyList<string> removed = PluginHost.RemoveStaleShadowCopies(parent);

        Assert.Equal(new[] { dead, reused }.Order(StringComparer.Ordinal), removed.Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(dead));
        Assert.False(Directory.Exists(reused));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(unmarked));
        Assert.True(Directory.Exists(garbled));
    }

    [Fact]
    public void A_fifo_in_a_plugin_folder_is_skipped_with_a_warning_and_the_plugin_loads()
    {
        string dir = RepoPaths.NewTempDir("plugins");
        string core = Path.Combine(dir, "Core");
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "Core"), core);
        MakeFifo(Path.Combine(core, "pipe"));
        var registry = new NodeTypeRegistry();
        var log = new ListLogger<PluginHost>();
        using var host = new PluginHost(dir, registry, log);

        IReadOnlyList<LoadedPlugin> failures = RunBounded(host.LoadAll); // opening a FIFO to read would block forever

        Assert.Empty(failures);
        Assert.True(registry.TryGet("gain", out _));
        Assert.Contains(log.Lines, l => l == $"Warning: plugin folder {core}: pipe is a FIFO, not a regular file: not copied");
    }

    [Fact]
    public void A_fifo_as_the_plugin_manifest_is_refused_with_its_kind_and_the_others_load()
    {
        string dir = RepoPaths.NewTempDir("plugins");
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "Core"), Path.Combine(dir, "Core"));
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "File"), Path.Combine(dir, "File"));
        string deps = Path.Combine(dir, "Core", "SyfalaGraph.Plugins.Core.deps.json");
        File.Delete(deps);
        MakeFifo(deps);
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(dir, registry);

        LoadedPlugin failure = Assert.Single(RunBounded(host.LoadAll));

        Assert.Equal($"{deps} is a FIFO, not a regular file: a plugin's assembly and manifest are files as `dotnet build` writes them", failure.Error);
        Assert.False(registry.TryGet("gain", out _));
        Assert.True(registry.TryGet("file.reader", out _));
    }

    [Fact]
    public void A_shadow_folder_whose_owner_file_is_a_fifo_is_left_alone_without_blocking()
    {
        string parent = RepoPaths.NewTempDir("shadow");
        string odd = Path.Combine(parent, "odd");
        Directory.CreateDirectory(odd);
        MakeFifo(Path.Combine(odd, PluginHost.OwnerFileName));

        IReadOnlyList<string> removed = RunBounded(() => PluginHost.RemoveStaleShadowCopies(parent));

        Assert.Empty(removed);
        Assert.True(Directory.Exists(odd));
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])!;
        Assert.True(mkfifo.WaitForExit(10_000));
        Assert.Equal(0, mkfifo.ExitCode);
    }

    // A hang is the defect under test: fail after 20 s instead of blocking the test run (the blocked thread is a
    // background thread, so it cannot keep the test process alive).
    private static T RunBounded<T>(Func<T> action)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = action(); }
            catch (Exception ex) { error = ex; }
        }) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "still blocked after 20 s");
        return error is null ? result! : throw new InvalidOperationException("failed", error);
    }

    private static string Shadow(string parent, string name, string? owner)
    {
        string dir = Path.Combine(parent, name);
        Directory.CreateDirectory(Path.Combine(dir, "Core-1"));
        File.WriteAllBytes(Path.Combine(dir, "Core-1", "SyfalaGraph.Plugins.Core.dll"), new byte[1024]);
        if (owner is not null)
        {
            File.WriteAllText(Path.Combine(dir, PluginHost.OwnerFileName), owner);
        }

        return dir;
    }

    // The shadow folder of this host: the one whose File copy is the loaded File plugin's.
    private static bool OwnedBy(PluginHost host, string shadowRoot) =>
        host.Plugins["File"].Context!.ShadowFolder.StartsWith(shadowRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);

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
