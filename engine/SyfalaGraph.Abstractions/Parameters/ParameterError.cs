namespace SyfalaGraph.Abstractions.Parameters;

/// <summary>A parameter validation failure.</summary>
/// <param name="Parameter">The snake_case key at fault, or null for the node as a whole.</param>
/// <param name="Message">What is wrong and what is allowed, for the user.</param>
public readonly record struct ParameterError(string? Parameter, string Message);
