using System.CommandLine;

namespace SyfalaGraph.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static Option<string?> Plugins() => new("--plugins")
    {
        Description = "Plugins directory (default: SYFALAGRAPH_PLUGINS, else plugins/ beside the executable)",
    };

    public static Option<bool> Verbose() => new("--verbose", "-v") { Description = "Log debug details" };

    public static Argument<string> Graph() => new("graph") { Description = "The graph file (YAML)" };
}
