namespace SyfalaGraph.Engine.Graph;

/// <summary>A place in a graph file: 1-based line and column, as editors show them.</summary>
/// <param name="File">The graph file's path as given by the user.</param>
/// <param name="Line">Line, from 1.</param>
/// <param name="Column">Column, from 1.</param>
public readonly record struct SourcePosition(string File, int Line, int Column)
{
    /// <summary>Shifts the column right by <paramref name="characters"/> (to point inside a scalar).</summary>
    public SourcePosition Offset(int characters) => this with { Column = Column + characters };

    /// <summary><c>file:line:col</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
