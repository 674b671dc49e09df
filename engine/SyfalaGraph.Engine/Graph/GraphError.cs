namespace SyfalaGraph.Engine.Graph;

/// <summary>One problem found in a graph file, reported as <c>file:line:col: message</c>.</summary>
/// <param name="Position">Where the problem is.</param>
/// <param name="Message">What is wrong, and what would be right.</param>
public sealed record GraphError(SourcePosition Position, string Message)
{
    /// <summary><c>file:line:col: message</c>.</summary>
    public override string ToString() => $"{Position}: {Message}";
}
