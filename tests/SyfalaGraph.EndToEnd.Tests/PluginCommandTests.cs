using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// Commands a plugin contributes through the contract (<c>ICommandProvider</c>), here the example plugin's
/// <c>syfala-graph example …</c>: listed by <c>--help</c>, parsed by the CLI, run from the plugin's load context.
/// </summary>
public sealed class PluginCommandTests : IClassFixture<PluginCommandTests.Plugins>
{
    private readonly Plugins _plugins;

    public PluginCommandTests(Plugins plugins) => _plugins = plugins;

    [Fact]
    public void A_plugin_command_is_listed_in_help_and_runs_with_its_parsed_values()
    {
        Cli.Result help = Run("--help");
        Assert.True(help.ExitCode == 0, help.StdErr);
        Assert.Contains("example", help.StdOut, StringComparison.Ordinal);
        Assert.Contains("Commands of the example plugin", help.StdOut, StringComparison.Ordinal);
        Assert.Contains("run <graph>", help.StdOut, StringComparison.Ordinal); // the built-in commands are still there

        Cli.Result subHelp = Run("example", "scale", "--help");
        Assert.Contains("--scale", subHelp.StdOut, StringComparison.Ordinal);
        Assert.Contains("[default: -1]", subHelp.StdOut, StringComparison.Ordinal);

        Cli.Result scaled = Run("example", "scale", "0.25", "--scale", "-2");
        Assert.True(scaled.ExitCode == 0, scaled.StdErr);
        Assert.Equal("-0.5", scaled.StdOut.Trim());
        Cli.Result byDefault = Run("example", "scale", "3");
        Assert.Equal("-3", byDefault.StdOut.Trim());

        // --plugins on the command line instead of SYFALAGRAPH_PLUGINS.
        Cli.Result named = Cli.Run(_plugins.Directory, TimeSpan.FromSeconds(60), "example", "scale", "2", "--plugins", _plugins.Directory);
        Assert.True(named.ExitCode == 0, named.StdErr);
        Assert.Equal("-2", named.StdOut.Trim());
    }

    [Fact]
    public void A_plugin_command_that_throws_is_reported_and_exits_1()
    {
        Cli.Result failed = Run("example", "fail");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("example fail failed: InvalidOperationException: the example command failed on purpose", failed.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", failed.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_option_or_value_of_a_plugin_command_exits_2()
    {
        Cli.Result unknown = Run("example", "scale", "1", "--bogus");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--bogus", unknown.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, Run("example", "scale", "one").ExitCode);
        Assert.Equal(2, Run("example", "scale").ExitCode);
        Assert.Equal(2, Run("example").ExitCode); // a group without its subcommand
    }

    [Fact]
    public async Task Ctrl_C_cancels_a_plugin_command_and_exits_130()
    {
        using var wait = new CliProcess(_plugins.Directory, "example", "wait", "--plugins", _plugins.Directory);
        await wait.WaitForLogAsync("waiting", TestContext.Current.CancellationToken);
        Assert.Equal(130, wait.StopWith("INT"));
        Assert.Contains("example wait: cancelled", wait.Log, StringComparison.Ordinal);
    }

    private Cli.Result Run(params string[] args) =>
        Cli.Run(_plugins.Directory, new Dictionary<string, string> { ["SYFALAGRAPH_PLUGINS"] = _plugins.Directory }, TimeSpan.FromSeconds(60), args);

    /// <summary>A plugins directory holding the example plugin (built once for the class) and Core.</summary>
    public sealed class Plugins
    {
        public Plugins()
        {
            Directory = RepoPaths.NewTempDir("plugin-commands");
            TestPlugins.BuildInto("ExamplePlugin", Directory, "Invert");
            TestPlugins.CopyBuilt("Core", Directory);
        }

        public string Directory { get; }
    }
}
