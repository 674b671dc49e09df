namespace SyfalaGraph.Engine.Graph;

/// <summary>One entry of <c>links:</c>: <c>from -> to</c>.</summary>
/// <param name="From">The source output.</param>
/// <param name="To">The destination input.</param>
/// <param name="Position">Where the link is written.</param>
public sealed record LinkDefinition(LinkEndpoint From, LinkEndpoint To, SourcePosition Position)
{
    /// <inheritdoc />
    public override string ToString() => $"{From} -> {To}";
}
