using System.Reflection.PortableExecutable;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// A Release build leaves precompiled (ReadyToRun) code in the CLI's folder and in every plugin folder
/// (Directory.Build.targets), and the runtime uses the plugins' code: <c>validate</c> JIT-compiles no method of a
/// plugin type. Structure only; the start-up times it buys are measured by <c>bench/startup.sh</c>.
/// </summary>
public class ReadyToRunTests
{
    [Fact]
    public void Every_assembly_of_the_built_CLI_and_of_each_plugin_carries_ReadyToRun_code()
    {
        Assert.SkipUnless(RepoPaths.Configuration == "Release", "only Release builds are compiled ReadyToRun");
        // Top-level assemblies only: the language folders (cs/, de/...) hold resource-only satellites, without code.
        var dlls = Directory.GetFiles(RepoPaths.CliBin, "*.dll")
            .Concat(Directory.GetDirectories(RepoPaths.CliPlugins).SelectMany(d => Directory.GetFiles(d, "*.dll")))
            .ToList();
        Assert.Contains(dlls, d => d.EndsWith("/syfala-graph.dll", StringComparison.Ordinal));
        Assert.Contains(dlls, d => d.EndsWith("/Core/SyfalaGraph.Plugins.Core.dll", StringComparison.Ordinal));

        var withoutNativeCode = dlls.Where(d => !IsReadyToRun(d)).Select(d => Path.GetRelativePath(RepoPaths.CliBin, d)).ToList();

        Assert.Empty(withoutNativeCode);
    }

    [Fact]
    public void Validate_runs_the_plugins_precompiled_code_and_JIT_compiles_none_of_their_methods()
    {
        Assert.SkipUnless(RepoPaths.Configuration == "Release", "only Release builds are compiled ReadyToRun");
        string dir = RepoPaths.NewTempDir("r2r");
        string jitLog = Path.Combine(dir, "jit.txt");
        // The runtime's own list of the methods it JIT-compiles (release runtimes print it too), one line each:
        // "  12: JIT compiled Namespace.Type:Method(args) [FullOpts, IL size=.., code size=..]".
        var env = new Dictionary<string, string> { ["DOTNET_JitDisasmSummary"] = "1", ["DOTNET_JitStdOutFile"] = jitLog };

        Cli.Result r = Cli.Run(dir, env, TimeSpan.FromSeconds(120), "validate", Path.Combine(RepoPaths.Graphs, "file-gain.yaml"));

        Assert.Equal(0, r.ExitCode);
        string[] compiled = File.ReadAllLines(jitLog);
        Assert.Contains(compiled, l => l.Contains("JIT compiled ", StringComparison.Ordinal)); // the log works: some generic instantiations always compile
        var pluginMethods = compiled.Where(l => l.Contains("JIT compiled SyfalaGraph.Plugins.", StringComparison.Ordinal)).ToList();
        Assert.Empty(pluginMethods);
    }

    /// <summary>True when the image has a ReadyToRun header: the COR header's ManagedNativeHeader directory, with the ILLibrary flag crossgen sets.</summary>
    private static bool IsReadyToRun(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        CorHeader? cor = pe.PEHeaders.CorHeader;
        return cor is not null && cor.ManagedNativeHeaderDirectory.Size > 0 && (cor.Flags & CorFlags.ILLibrary) != 0;
    }
}
