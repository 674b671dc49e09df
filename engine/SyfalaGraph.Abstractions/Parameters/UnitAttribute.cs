namespace SyfalaGraph.Abstractions.Parameters;

/// <summary>The unit of a numeric parameter (<c>Hz</c>, <c>dB</c>, <c>frames</c>, <c>ms</c>, <c>s</c>), shown in docs and the schema.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UnitAttribute(string unit) : Attribute
{
    /// <summary>The unit symbol.</summary>
    public string Unit { get; } = unit;
}
