namespace SyfalaGraph.Abstractions.Commands;

/// <summary>
/// Contributes <c>syfala-graph</c> subcommands (<c>syfala-graph syfala discover</c>, …). A plugin exposes its
/// commands by declaring a public, concrete class that implements this interface and has a parameterless
/// constructor; the host finds it when it loads the plugin, creates it and adds <see cref="Commands"/> to the
/// command line beside the built-in commands (a name that clashes with a built-in or another plugin's command is
/// skipped with a warning).
/// </summary>
public interface ICommandProvider
{
    /// <summary>The top-level commands this plugin adds, each with its options, arguments and subcommands.</summary>
    IReadOnlyList<PluginCommand> Commands { get; }
}
