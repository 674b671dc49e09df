namespace SyfalaGraph.Abstractions.Commands;

/// <summary>A positional argument of a <see cref="PluginCommand"/> (<c>syfala-graph syfala probe SERVER</c>).</summary>
public sealed class CommandArgument
{
    /// <summary>Creates a required argument.</summary>
    /// <param name="name">Shown in help and used to read the value (<c>server</c>); must not start with '-'.</param>
    /// <param name="valueType">One of <see cref="CommandOption.SupportedTypes"/>: string, bool, int, long, double.</param>
    /// <param name="description">One sentence shown by <c>--help</c>.</param>
    /// <exception cref="ArgumentException">An empty name, a name starting with '-', or an unsupported type.</exception>
    public CommandArgument(string name, Type valueType, string description = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(valueType);
        if (name[0] == '-')
        {
            throw new ArgumentException($"Argument name '{name}' must not start with '-' (that is an option).", nameof(name));
        }

        CommandOption.CheckType(valueType, nameof(valueType));
        Name = name;
        ValueType = valueType;
        Description = description ?? "";
    }

    /// <summary>The argument's name.</summary>
    public string Name { get; }

    /// <summary>The type the text is parsed to (invariant culture).</summary>
    public Type ValueType { get; }

    /// <summary>One sentence shown by <c>--help</c>.</summary>
    public string Description { get; }
}
