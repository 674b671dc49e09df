namespace SyfalaGraph.Engine.Graph;

/// <summary>A graph file is invalid; <see cref="Errors"/> holds every problem found, each with its position.</summary>
public sealed class GraphException : Exception
{
    /// <summary>Creates the exception from the errors found (at least one).</summary>
    public GraphException(IReadOnlyList<GraphError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Every error of the file, in file order.</summary>
    public IReadOnlyList<GraphError> Errors { get; }
}
