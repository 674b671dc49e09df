namespace SyfalaGraph.Abstractions.Commands;

/// <summary>An option of a <see cref="PluginCommand"/> (<c>--timeout 0.5</c>; a bool option is a flag: <c>--json</c>).</summary>
public sealed class CommandOption
{
    private readonly object? _defaultValue;

    /// <summary>Creates an option.</summary>
    /// <param name="name">The option as typed, with its dashes (<c>--timeout</c>).</param>
    /// <param name="valueType">One of <see cref="SupportedTypes"/>: string, bool, int, long, double.</param>
    /// <param name="description">One sentence shown by <c>--help</c>.</param>
    /// <exception cref="ArgumentException">A name without a leading '-', or an unsupported type.</exception>
    public CommandOption(string name, Type valueType, string description = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(valueType);
        if (name[0] != '-')
        {
            throw new ArgumentException($"Option name '{name}' must start with '-' (e.g. --{name}).", nameof(name));
        }

        CheckType(valueType, nameof(valueType));
        Name = name;
        ValueType = valueType;
        Description = description ?? "";
    }

    /// <summary>The value types options and arguments may have.</summary>
    public static IReadOnlyList<Type> SupportedTypes { get; } = [typeof(string), typeof(bool), typeof(int), typeof(long), typeof(double)];

    /// <summary>The option as typed, with its dashes.</summary>
    public string Name { get; }

    /// <summary>Other spellings (<c>-t</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The type the value is parsed to (invariant culture).</summary>
    public Type ValueType { get; }

    /// <summary>One sentence shown by <c>--help</c>.</summary>
    public string Description { get; }

    /// <summary>Whether the option must be given.</summary>
    public bool Required { get; init; }

    /// <summary>
    /// The value when the option is not given (shown by <c>--help</c>); null for none, in which case the handler reads
    /// the type's default (null, false, 0).
    /// </summary>
    /// <exception cref="ArgumentException">The value is not of <see cref="ValueType"/>.</exception>
    public object? DefaultValue
    {
        get => _defaultValue;
        init
        {
            if (value is not null && value.GetType() != ValueType)
            {
                throw new ArgumentException($"Default of option '{Name}' is a {value.GetType().Name}, not a {ValueType.Name}.", nameof(value));
            }

            _defaultValue = value;
        }
    }

    internal static void CheckType(Type valueType, string parameterName)
    {
        if (!SupportedTypes.Contains(valueType))
        {
            throw new ArgumentException($"Type {valueType.Name} is not supported for command values (string, bool, int, long, double).", parameterName);
        }
    }
}
