namespace SyfalaGraph.Abstractions.Parameters;

/// <summary>
/// The parameters of a node type that has none (<c>[NodeType("name")]</c> without a parameters type): no settable
/// property, so any key under <c>params:</c> is an "unknown parameter" error; the default ports (<c>in</c> from links,
/// <c>out</c> the same channels).
/// </summary>
public sealed record NoParameters : NodeParameters;
