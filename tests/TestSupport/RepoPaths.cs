namespace SyfalaGraph.Tests;

/// <summary>Locations in the repository, found from the test assembly's folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Graphs => Path.Combine(Root, "graphs");

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>The build configuration the tests run in (Debug or Release): what a test builds must match it.</summary>
    public static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built CLI's folder (plugins are copied beside it under plugins/).</summary>
    public static string CliBin => Path.Combine(Root, "engine", "SyfalaGraph.Cli", "bin", Configuration, "net10.0");

    public static string CliPlugins => Path.Combine(CliBin, "plugins");

    /// <summary>
    /// The target the built plugins' .deps.json files describe (their <c>runtimeTarget.name</c>): RID-specific,
    /// <c>.NETCoreApp,Version=v10.0/linux-x64</c>, in a Release build, which compiles them ReadyToRun for that RID.
    /// </summary>
    public static string PluginDepsTarget => System.Text.Json.Nodes.JsonNode.Parse(
        File.ReadAllText(Path.Combine(CliPlugins, "Core", "SyfalaGraph.Plugins.Core.deps.json")))!["runtimeTarget"]!["name"]!.GetValue<string>();

    /// <summary>A fresh scratch folder under the system temp folder.</summary>
    public static string NewTempDir(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), "syfalagraph-tests", prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SyfalaGraph.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SyfalaGraph.sln not found above " + AppContext.BaseDirectory);
    }
}
