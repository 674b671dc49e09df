using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// A plugin dropped into the watched plugins folder of a running engine: its node type becomes usable by a
/// graph edit; a second build replaces the running nodes at a block boundary and the first version's
/// load context is collected.
/// </summary>
public class PluginDropInTests
{
    private static readonly string Graph = RealtimeToneGraph.Yaml(0.25);

    [Fact]
    public async Task Dropped_in_plugin_is_used_without_restart_and_a_rebuild_replaces_it_and_unloads_the_old_version()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string dir = RepoPaths.NewTempDir("dropin");
        string project = Path.Combine(RepoPaths.Root, "tests", "ExamplePlugin");
        string v1 = Path.Combine(dir, "build-v1"), v2 = Path.Combine(dir, "build-v2");
        TestAudio.Run("dotnet", $"build \"{project}\" -o \"{v1}\" -c {RepoPaths.Configuration} -p:BuildProjectReferences=false -nologo -v q");
        TestAudio.Run("dotnet", $"build \"{project}\" -o \"{v2}\" -p:ExampleVersion=2 -c {RepoPaths.Configuration} -p:BuildProjectReferences=false -nologo -v q");
        string plugins = Path.Combine(dir, "plugins");
        foreach (string name in new[] { "Core", "File" })
        {
            CopyDirectory(Path.Combine(RepoPaths.CliPlugins, name), Path.Combine(plugins, name));
        }

        string graph = Path.Combine(dir, "g.yaml");
        await File.WriteAllTextAsync(graph, Graph, ct);
        using var run = new CliProcess(dir, "run", "g.yaml", "--watch", "--plugins", plugins);
        await run.WaitForLogAsync("watching ", ct);
        CopyDirectory(v1, Path.Combine(plugins, "Invert"));
        await run.WaitForLogAsync("plugin Invert loaded", ct);

        await File.WriteAllTextAsync(graph, Graph
            .Replace("  out:  {", "  inv:  { type: example.invert, params: { scale: -1 } }\n  out:  {", StringComparison.Ordinal)
            .Replace("gain.out -> out.in", "gain.out -> inv.in\n  - inv.out -> out.in", StringComparison.Ordinal), ct);
        await run.WaitForLogAsync("reload: +node inv (example.invert)", ct);
        await Task.Delay(500, ct);

        CopyDirectory(v2, Path.Combine(plugins, "Invert"));
        await run.WaitForLogAsync("plugin Invert reloaded", ct);
        await run.WaitForLogAsync("previous version's context was unloaded and collected", ct);
        await Task.Delay(500, ct);
        int exitCode = run.StopWith("TERM");
        string text = run.Log;
        Assert.True(exitCode == 0, text);
        Assert.Contains("reload: *inv recreated (a new version of its plugin)", text, StringComparison.Ordinal); // the v1 node replaced by a v2 node
        (float[] s, _, _) = TestAudio.ReadWithSox(Path.Combine(dir, "out.wav"));
        // v1 multiplies by scale (-1), v2 by scale x 2 (-2): the last half second peaks at 0.5, the first at 0.25.
        Assert.InRange(s.Take(4800).Max(Math.Abs), 0.249f, 0.2501f);
        Assert.InRange(s.TakeLast(4800).Max(Math.Abs), 0.499f, 0.5001f);
        Assert.Contains(s, x => x is > 0.249f and < 0.2501f || x is < -0.249f and > -0.2501f); // v1's stretch was heard
    }

    [Fact]
    public async Task A_graph_waiting_for_a_node_type_starts_when_the_plugin_is_dropped_in()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string dir = RepoPaths.NewTempDir("pending");
        string project = Path.Combine(RepoPaths.Root, "tests", "ExamplePlugin");
        string v1 = Path.Combine(dir, "build-v1");
        TestAudio.Run("dotnet", $"build \"{project}\" -o \"{v1}\" -c {RepoPaths.Configuration} -p:BuildProjectReferences=false -nologo -v q");
        string plugins = Path.Combine(dir, "plugins");
        foreach (string name in new[] { "Core", "File" })
        {
            CopyDirectory(Path.Combine(RepoPaths.CliPlugins, name), Path.Combine(plugins, name));
        }

        await File.WriteAllTextAsync(Path.Combine(dir, "g.yaml"), Graph
            .Replace("  out:  {", "  inv:  { type: example.invert, params: { scale: -1 } }\n  out:  {", StringComparison.Ordinal)
            .Replace("gain.out -> out.in", "gain.out -> inv.in\n  - inv.out -> out.in", StringComparison.Ordinal), ct);
        using var run = new CliProcess(dir, "run", "g.yaml", "--watch", "--plugins", plugins);
        await run.WaitForLogAsync("is not valid yet", ct);
        Assert.Contains("unknown node type 'example.invert'", run.Log, StringComparison.Ordinal);
        CopyDirectory(v1, Path.Combine(plugins, "Invert"));
        await run.WaitForLogAsync("the graph file is valid now: the graph started", ct);
        await Task.Delay(700, ct);
        int exitCode = run.StopWith("TERM");
        Assert.True(exitCode == 0, run.Log);
        (float[] s, _, _) = TestAudio.ReadWithSox(Path.Combine(dir, "out.wav"));
        Assert.True(s.Length > 4800, run.Log);
        Assert.InRange(s.TakeLast(4800).Max(Math.Abs), 0.249f, 0.2501f);
    }

    [Fact]
    public async Task Stopping_a_graph_that_never_became_valid_exits_with_2()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string dir = RepoPaths.NewTempDir("pending-never");
        await File.WriteAllTextAsync(Path.Combine(dir, "g.yaml"), Graph.Replace("type: gain", "type: gian", StringComparison.Ordinal), ct);
        using var run = new CliProcess(dir, "run", "g.yaml", "--watch");
        await run.WaitForLogAsync("is not valid yet", ct);
        int exitCode = run.StopWith("TERM");
        Assert.True(exitCode == 2, run.Log);
        Assert.Contains("unknown node type 'gian' (did you mean 'gain'?", run.Log, StringComparison.Ordinal);
        Assert.Contains("nothing ran", run.Log, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
        }
    }
}
