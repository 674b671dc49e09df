namespace SyfalaGraph.Cli;

/// <summary>Process exit codes of <c>syfala-graph</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>The graph could not be built or run, a node faulted while running, or a node failed (its output is incomplete).</summary>
    public const int RuntimeFailure = 1;

    /// <summary>Invalid input: a graph file error, a bad command line.</summary>
    public const int InvalidInput = 2;

    /// <summary>A plugin command was cancelled by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
