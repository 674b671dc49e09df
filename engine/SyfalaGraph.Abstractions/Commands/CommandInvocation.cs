using Microsoft.Extensions.Logging;

namespace SyfalaGraph.Abstractions.Commands;

/// <summary>
/// What a <see cref="PluginCommand.Handler"/> gets: the parsed values of its arguments and options, where to write,
/// a logger and the cancellation of Ctrl-C / SIGTERM. Audio thread: no.
/// </summary>
public sealed class CommandInvocation
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    /// <summary>Creates an invocation. The host does this; tests may too.</summary>
    /// <param name="values">Parsed values by argument name or option name (<c>server</c>, <c>--timeout</c>); a value
    /// not given is absent or null.</param>
    /// <param name="output">Where results go (standard output).</param>
    /// <param name="error">Where problems go (standard error).</param>
    /// <param name="logger">A logger (standard error, <c>--verbose</c> aside).</param>
    /// <param name="cancellationToken">Cancelled by Ctrl-C or SIGTERM.</param>
    public CommandInvocation(IReadOnlyDictionary<string, object?> values, TextWriter output, TextWriter error, ILogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(logger);
        _values = values;
        Output = output;
        Error = error;
        Logger = logger;
        CancellationToken = cancellationToken;
    }

    /// <summary>Where results go (standard output).</summary>
    public TextWriter Output { get; }

    /// <summary>Where problems go (standard error).</summary>
    public TextWriter Error { get; }

    /// <summary>A logger whose lines go to standard error.</summary>
    public ILogger Logger { get; }

    /// <summary>Cancelled by Ctrl-C or SIGTERM; a second one ends the process.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The parsed value of <paramref name="option"/>: its default, or the type's default, when not given.</summary>
    /// <exception cref="InvalidCastException"><typeparamref name="T"/> is not the option's value type.</exception>
    public T? GetValue<T>(CommandOption option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return Get<T>(option.Name, option.DefaultValue);
    }

    /// <summary>The parsed value of <paramref name="argument"/>.</summary>
    /// <exception cref="InvalidCastException"><typeparamref name="T"/> is not the argument's value type.</exception>
    public T? GetValue<T>(CommandArgument argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        return Get<T>(argument.Name, null);
    }

    private T? Get<T>(string name, object? fallback) =>
        _values.TryGetValue(name, out object? value) && value is not null ? (T)value : fallback is null ? default : (T)fallback;
}
