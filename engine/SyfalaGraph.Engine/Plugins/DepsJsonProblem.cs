namespace SyfalaGraph.Engine.Plugins;

/// <summary>Why a <c>.deps.json</c> was refused by <see cref="DepsJsonValidator"/>.</summary>
/// <param name="JsonPath">
/// Where: a JSONPath to the value at fault (<c>$.libraries</c>, <c>$.targets['.NETCoreApp,Version=v10.0']['A/1.0.0'].runtime</c>);
/// <c>$</c> for the file as a whole (size, encoding, syntax). Keys longer than 64 characters are shortened with an ellipsis.
/// </param>
/// <param name="Message">What is wrong, in one sentence (<c>expected an object, found a string</c>).</param>
public sealed record DepsJsonProblem(string JsonPath, string Message)
{
    /// <summary><c>JsonPath: Message</c>.</summary>
    public override string ToString() => $"{JsonPath}: {Message}";
}
