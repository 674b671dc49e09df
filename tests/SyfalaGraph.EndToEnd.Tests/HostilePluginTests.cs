using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// Plugin files that a hostile or careless user leaves in the plugins folder, through the real CLI: a .deps.json that
/// is valid JSON with a value of the wrong type (it used to abort the host natively), a plugin DLL with damaged
/// metadata (it used to end <c>nodes</c> and <c>run</c> with an unhandled exception), files dropped into the folder of a
/// running <c>run --watch</c> graph, and the shadow copies a killed process leaves behind.
/// </summary>
public class HostilePluginTests
{
    private const string CoreDeps = "SyfalaGraph.Plugins.Core.deps.json";
    private const string CoreDll = "SyfalaGraph.Plugins.Core.dll";
    private static readonly string Target = RepoPaths.PluginDepsTarget;

    public static TheoryData<string, string> WrongTypes => new()
    {
        { "libraries", "$.libraries: expected an object, found a string" },
        { "runtime", $"$.targets['{Target}']['SyfalaGraph.Plugins.Core/1.0.0'].runtime: expected an object, found a number" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Nodes_reports_a_deps_json_with_a_value_of_the_wrong_type_and_lists_the_other_plugins(string which, string problem)
    {
        string dir = RepoPaths.NewTempDir("hostile-deps");
        string plugins = Path.Combine(dir, "plugins");
        TestPlugins.CopyBuilt("Core", plugins);
        TestPlugins.CopyBuilt("File", plugins);
        string deps = Path.Combine(plugins, "Core", CoreDeps);
        File.WriteAllText(deps, WrongType(File.ReadAllText(deps), which));

        Cli.Result r = Cli.Run(dir, "nodes", "--plugins", plugins);

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains($"plugin {Path.Combine(plugins, "Core")} failed to load: {deps} is not a valid .deps.json: {problem}", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("file.reader  [File]", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("gain  [Core]", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("syfalagraph-shadow", r.StdErr, StringComparison.Ordinal);
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 16)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Nodes_and_run_end_with_a_report_not_a_crash_when_the_plugin_dll_metadata_tables_are_damaged(int seed)
    {
        string dir = RepoPaths.NewTempDir("hostile-dll");
        string plugins = Path.Combine(dir, "plugins");
        TestPlugins.CopyBuilt("Core", plugins);
        TestPlugins.CopyBuilt("File", plugins);
        string dll = Path.Combine(plugins, "Core", CoreDll);
        int offset = DamageMetadata(dll, seed);
        File.WriteAllText(Path.Combine(dir, "g.yaml"), """
            version: 1
            settings: { clock: offline, sample_rate: 48000, block_frames: 64 }
            nodes:
              tone: { type: tone, params: { frequency_hz: 440, amplitude: 0.25 } }
              gain: { type: gain, params: { gain_db: 0 } }
              out:  { type: file.writer, params: { path: out.wav, subtype: float, max_duration_s: 0.25 } }
            links:
              - tone.out -> gain.in
              - gain.out -> out.in
            """);

        Cli.Result nodes = Cli.Run(dir, "nodes", "--plugins", plugins);
        Cli.Result run = Cli.Run(dir, "run", "g.yaml", "--plugins", plugins);

        string context = $"seed {seed}, 32 bytes at {offset}:\nnodes: {nodes.StdErr}\nrun: {run.StdErr}";
        TestContext.Current.TestOutputHelper!.WriteLine(context);
        Assert.True(nodes.ExitCode == 0, context); // File's types at least are listed
        Assert.Contains("file.reader  [File]", nodes.StdOut, StringComparison.Ordinal);
        // 0: the damage missed what this graph uses; 1: a node failed, reported; 2: the graph is invalid (a type skipped).
        Assert.True(run.ExitCode is 0 or 1 or 2, context);
        foreach (string err in new[] { nodes.StdErr, run.StdErr })
        {
            Assert.DoesNotContain("Unhandled exception", err, StringComparison.Ordinal);
            Assert.DoesNotContain("syfalagraph-shadow", err, StringComparison.Ordinal);
        }
    }

    /// <summary>A realtime tone graph run with --watch on a plugins folder holding copies of Core and File, once it watches.</summary>
    private static async Task<CliProcess> StartWatchedToneGraphAsync(string dir, string plugins, CancellationToken ct)
    {
        TestPlugins.CopyBuilt("Core", plugins);
        TestPlugins.CopyBuilt("File", plugins);
        await File.WriteAllTextAsync(Path.Combine(dir, "g.yaml"), RealtimeToneGraph.Yaml(0.25), ct);
        var run = new CliProcess(dir, "run", "g.yaml", "--watch", "--plugins", plugins);
        try
        {
            await run.WaitForLogAsync("watching " + plugins, ct);
            return run;
        }
        catch
        {
            run.Dispose(); // stops the process by PID
            throw;
        }
    }

    [Fact]
    public async Task A_running_graph_keeps_running_when_hostile_files_are_dropped_into_its_plugins_folder()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string dir = RepoPaths.NewTempDir("hostile-watch");
        string plugins = Path.Combine(dir, "plugins");
        using CliProcess run = await StartWatchedToneGraphAsync(dir, plugins, ct);
        DateTime started = DateTime.UtcNow;
        string validDeps = await File.ReadAllTextAsync(Path.Combine(plugins, "Core", CoreDeps), ct);

        // name, files: each dropped folder must be reported as failed, and the graph left alone.
        var drops = new (string Name, Action<string> Write)[]
        {
            ("BadLibraries", f => CopyCore(plugins, f, WrongType(validDeps, "libraries"))),
            ("BadRuntime", f => CopyCore(plugins, f, WrongType(validDeps, "runtime"))),
            ("RandomDll", f => Drop(f, RandomBytes(30_000), validDeps)),
            ("NativeLibrary", f => Drop(f, File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "libSystem.Native.so")), validDeps)),
            ("EmptyFiles", f => Drop(f, [], "")),
        };
        foreach ((string name, Action<string> write) in drops)
        {
            write(Path.Combine(plugins, name));
            await run.WaitForLogAsync($"plugin {Path.Combine(plugins, name)} failed to load", ct);
            Assert.True(run.IsRunning, run.Log);
        }

        await Task.Delay(1000, ct);
        Assert.True(run.IsRunning, run.Log);
        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        int exitCode = run.StopWith("TERM");
        string log = run.Log;
        Assert.True(exitCode == 0, log);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        Assert.Contains("0 faults", log, StringComparison.Ordinal);
        (float[] s, _, int rate) = TestAudio.ReadWithSox(Path.Combine(dir, "out.wav"));
        Assert.True(s.Length > seconds * rate, $"{s.Length} frames for the {seconds:F1} s since the first drop:\n{log}");
        Assert.InRange(s.TakeLast(rate / 2).Max(Math.Abs), 0.249f, 0.2501f); // still the tone at the end
    }

    public static TheoryData<int> WatchedSeeds => [2, 7, 14];

    [Theory]
    [MemberData(nameof(WatchedSeeds))]
    public async Task A_running_graph_keeps_running_when_its_plugin_dll_is_damaged_in_place(int seed)
    {
        // The issue's case: 32 random bytes written into SyfalaGraph.Plugins.Core.dll while a graph of its types runs.
        CancellationToken ct = TestContext.Current.CancellationToken;
        string dir = RepoPaths.NewTempDir("hostile-inplace");
        string plugins = Path.Combine(dir, "plugins");
        using CliProcess run = await StartWatchedToneGraphAsync(dir, plugins, ct);
        DateTime started = DateTime.UtcNow;
        int offset = DamageMetadata(Path.Combine(plugins, "Core", CoreDll), seed);
        await run.WaitForLogAsync("plugin Core", ct); // reloaded (its graph re-applied or refused) or failed to load
        await Task.Delay(1500, ct);
        Assert.True(run.IsRunning, run.Log);
        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        int exitCode = run.StopWith("TERM");
        string log = run.Log;
        TestContext.Current.TestOutputHelper!.WriteLine($"seed {seed}, 32 bytes at {offset}, exit {exitCode}:\n{log}");
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        Assert.True(exitCode == 0, log);
        (float[] s, _, int rate) = TestAudio.ReadWithSox(Path.Combine(dir, "out.wav"));
        Assert.True(s.Length > seconds * rate, $"{s.Length} frames for the {seconds:F1} s since the damage:\n{log}");
        Assert.InRange(s.TakeLast(rate / 2).Max(Math.Abs), 0.249f, 0.2501f);
    }

    [Fact]
    public async Task The_shadow_copies_a_killed_process_leaves_are_removed_at_the_next_start()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string dir = RepoPaths.NewTempDir("hostile-shadow");
        string temp = Path.Combine(dir, "tmp");
        string shadowParent = Path.Combine(temp, "syfalagraph-shadow");
        Directory.CreateDirectory(Path.Combine(shadowParent, "not-ours")); // no owner file: left alone
        var env = new Dictionary<string, string> { ["TMPDIR"] = temp + "/" };
        string plugins = Path.Combine(dir, "plugins");
        TestPlugins.CopyBuilt("Core", plugins);
        TestPlugins.CopyBuilt("File", plugins);
        await File.WriteAllTextAsync(Path.Combine(dir, "g.yaml"), RealtimeToneGraph.Yaml(0.25), ct);
        string killed;
        using (var run = new CliProcess(dir, env, "run", "g.yaml", "--watch", "--plugins", plugins))
        {
            await run.WaitForLogAsync("watching ", ct);
            killed = Assert.Single(Directory.GetDirectories(shadowParent, $"{run.Id}-*"));
            Assert.StartsWith($"{run.Id} ", File.ReadAllText(Path.Combine(killed, "owner.pid")), StringComparison.Ordinal);
            Assert.Equal(137, run.StopWith("KILL"));
        }

        Assert.True(Directory.Exists(killed), "SIGKILL left no shadow copy: nothing to clean");
        long bytes = Directory.GetFiles(killed, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        Cli.Result nodes = Cli.Run(dir, env, TimeSpan.FromSeconds(60), "nodes", "--plugins", plugins, "--log-level", "debug");

        Assert.True(nodes.ExitCode == 0, nodes.StdErr);
        Assert.Contains($"removed 1 stale plugin shadow cop(ies) left in {shadowParent}", nodes.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(killed), $"{killed} ({bytes} bytes) is still there");
        Assert.True(Directory.Exists(Path.Combine(shadowParent, "not-ours")));
        Assert.Equal(["not-ours"], Directory.GetDirectories(shadowParent).Select(Path.GetFileName)); // nodes removed its own on exit
    }

    /// <summary>The manifest with <c>libraries</c> made a string, or the Core library's <c>runtime</c> a number.</summary>
    private static string WrongType(string deps, string which)
    {
        JsonObject m = JsonNode.Parse(deps)!.AsObject();
        if (which == "libraries")
        {
            m["libraries"] = "x";
        }
        else
        {
            m["targets"]![Target]!["SyfalaGraph.Plugins.Core/1.0.0"]!["runtime"] = 5;
        }

        return m.ToJsonString();
    }

    // 32 seeded random bytes in the metadata tables from TypeRef to CustomAttribute (type, field, method, parameter,
    // member-reference and attribute rows): what the type scan, the binder and the JIT read.
    private static int DamageMetadata(string dll, int seed)
    {
        byte[] bytes = File.ReadAllBytes(dll);
        int start, end;
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            Assert.True(pe.PEHeaders.TryGetDirectoryOffset(pe.PEHeaders.CorHeader!.MetadataDirectory, out int metadata));
            MetadataReader reader = pe.GetMetadataReader();
            start = metadata + reader.GetTableMetadataOffset(TableIndex.TypeRef);
            end = metadata + reader.GetTableMetadataOffset(TableIndex.CustomAttribute)
                + (reader.GetTableRowSize(TableIndex.CustomAttribute) * reader.GetTableRowCount(TableIndex.CustomAttribute));
        }

        var rng = new Random(seed);
        int offset = start + rng.Next(end - start - 32);
        rng.NextBytes(bytes.AsSpan(offset, 32));
        File.WriteAllBytes(dll, bytes);
        return offset;
    }

    private static void CopyCore(string plugins, string folder, string deps)
    {
        foreach (string file in Directory.GetFiles(Path.Combine(plugins, "Core")))
        {
            string dest = Path.Combine(folder, Path.GetFileName(file));
            Directory.CreateDirectory(folder);
            File.Copy(file, dest);
        }

        File.WriteAllText(Path.Combine(folder, CoreDeps), deps);
    }

    private static byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        new Random(15).NextBytes(bytes);
        return bytes;
    }

    private static void Drop(string folder, byte[] dll, string deps)
    {
        Directory.CreateDirectory(folder);
        string name = Path.GetFileName(folder);
        File.WriteAllBytes(Path.Combine(folder, name + ".dll"), dll);
        File.WriteAllText(Path.Combine(folder, name + ".deps.json"), deps);
    }
}
