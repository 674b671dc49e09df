namespace SyfalaGraph.Abstractions.Commands;

/// <summary>
/// One command (or command group) contributed by a plugin: its name, description, arguments, options, subcommands and
/// handler. The host maps it onto its command-line parser, which provides help (<c>--help</c>), parse errors (exit 2)
/// and Ctrl-C / SIGTERM cancellation (<see cref="CommandInvocation.CancellationToken"/>).
/// </summary>
/// <remarks>
/// A command with <see cref="Subcommands"/> and no <see cref="Handler"/> is a group: invoking it alone is a parse
/// error naming the missing subcommand.
/// </remarks>
public sealed class PluginCommand
{
    /// <summary>Creates a command.</summary>
    /// <param name="name">The word typed on the command line: lower case letters, digits and '-' (<c>discover</c>).</param>
    /// <param name="description">One sentence shown by <c>--help</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not lower case letters, digits and '-'.</exception>
    public PluginCommand(string name, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name[0] == '-' || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"Command name '{name}' must be lower case letters, digits and '-' (not first).", nameof(name));
        }

        Name = name;
        Description = description ?? "";
    }

    /// <summary>The word typed on the command line.</summary>
    public string Name { get; }

    /// <summary>One sentence shown by <c>--help</c>.</summary>
    public string Description { get; }

    /// <summary>Positional arguments, in order.</summary>
    public IReadOnlyList<CommandArgument> Arguments { get; init; } = [];

    /// <summary>Options (<c>--name value</c>, or <c>--name</c> alone for a bool).</summary>
    public IReadOnlyList<CommandOption> Options { get; init; } = [];

    /// <summary>Subcommands (<c>syfala</c> → <c>discover</c>, <c>probe</c>).</summary>
    public IReadOnlyList<PluginCommand> Subcommands { get; init; } = [];

    /// <summary>
    /// Runs the command with the parsed values and returns the process exit code (<see cref="CommandExitCodes"/>:
    /// 0 success, 1 failure, 2 invalid input). An exception it throws is reported by the host as the command's failure
    /// (exit 1); an <see cref="OperationCanceledException"/> after cancellation ends the command as cancelled.
    /// Null for a group that only holds subcommands. Audio thread: no.
    /// </summary>
    public Func<CommandInvocation, Task<int>>? Handler { get; init; }
}
