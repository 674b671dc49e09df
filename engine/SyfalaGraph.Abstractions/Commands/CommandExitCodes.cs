namespace SyfalaGraph.Abstractions.Commands;

/// <summary>The exit codes of <c>syfala-graph</c>, for <see cref="PluginCommand.Handler"/> results.</summary>
public static class CommandExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed (nothing answered, a device could not be opened, the handler threw).</summary>
    public const int Failure = 1;

    /// <summary>Invalid input: a bad command line, an argument that does not parse.</summary>
    public const int InvalidInput = 2;
}
