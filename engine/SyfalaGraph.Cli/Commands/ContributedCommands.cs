using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Commands;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Cli.Commands;

/// <summary>
/// The subcommands plugins contribute (<see cref="ICommandProvider"/>), mapped onto System.CommandLine: help and parse
/// errors come from the parser like for the built-in commands, a handler's exception is reported as a failure (exit 1),
/// and Ctrl-C / SIGTERM cancel the handler's token (a second one ends the process).
/// </summary>
/// <remarks>
/// Plugins are loaded for this only when the first argument is not a built-in command, so <c>run</c>, <c>validate</c>…
/// start as before. The plugins directory is <c>--plugins DIR</c> when it is on the command line (every contributed
/// command accepts it), else the default (<c>SYFALAGRAPH_PLUGINS</c>, else <c>plugins/</c> beside the executable).
/// </remarks>
internal sealed class ContributedCommands : IDisposable
{
    private const string PluginsOption = "--plugins";
    private readonly IHost _host;
    private readonly PluginHost _plugins;

    private ContributedCommands(IHost host, PluginHost plugins)
    {
        _host = host;
        _plugins = plugins;
    }

    /// <summary>Loads the plugins when <paramref name="args"/> may name one of their commands and adds those to <paramref name="root"/>.</summary>
    public static ContributedCommands? AddTo(RootCommand root, string[] args)
    {
        var builtIn = root.Subcommands.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (args.Length > 0 && builtIn.Contains(args[0]))
        {
            return null;
        }

        IHost host = CliServices.BuildHost(args.Contains("--verbose") || args.Contains("-v"));
        PluginHost plugins = CliServices.LoadPlugins(host, PluginsDirectoryIn(args));
        ILoggerFactory loggers = host.Services.GetRequiredService<ILoggerFactory>();
        ILogger log = loggers.CreateLogger("SyfalaGraph.Plugins");
        foreach (PluginTypeDescriptor<ICommandProvider> descriptor in host.Services.GetRequiredService<NodeTypeRegistry>().CommandProviders)
        {
            IReadOnlyList<PluginCommand> commands;
            try
            {
                commands = descriptor.Create().Commands;
            }
            catch (Exception ex)
            {
                log.LogWarning("plugin {Plugin}: {Provider} did not give its commands: {Reason}", descriptor.PluginName, descriptor.ImplementationType.FullName, ex.Message);
                continue;
            }

            foreach (PluginCommand command in commands)
            {
                if (!builtIn.Add(command.Name))
                {
                    log.LogWarning("plugin {Plugin}: command '{Command}' is skipped: a command of that name exists already", descriptor.PluginName, command.Name);
                    continue;
                }

                try
                {
                    Command mapped = Map(command, command.Name, loggers);
                    mapped.Add(new Option<string?>(PluginsOption) { Description = CommonOptions.Plugins().Description, Recursive = true });
                    root.Add(mapped);
                }
                catch (ArgumentException ex)
                {
                    log.LogWarning("plugin {Plugin}: command '{Command}' is skipped: {Reason}", descriptor.PluginName, command.Name, ex.Message);
                }
            }
        }

        return new ContributedCommands(host, plugins);
    }

    /// <summary>Deletes the plugins' shadow copies and stops the logging host.</summary>
    public void Dispose()
    {
        _plugins.Dispose();
        _host.Dispose();
    }

    private static string? PluginsDirectoryIn(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == PluginsOption && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(PluginsOption + "=", StringComparison.Ordinal))
            {
                return args[i][(PluginsOption.Length + 1)..];
            }
        }

        return null;
    }

    private static Command Map(PluginCommand source, string path, ILoggerFactory loggers)
    {
        var command = new Command(source.Name, source.Description);
        var values = new List<(string Name, Func<ParseResult, object?> Read)>();
        foreach (CommandArgument a in source.Arguments)
        {
            (Argument argument, Func<ParseResult, object?> read) = MapArgument(a);
            command.Add(argument);
            values.Add((a.Name, read));
        }

        foreach (CommandOption o in source.Options)
        {
            (Option option, Func<ParseResult, object?> read) = MapOption(o);
            command.Add(option);
            values.Add((o.Name, read));
        }

        foreach (PluginCommand sub in source.Subcommands)
        {
            command.Add(Map(sub, path + " " + sub.Name, loggers));
        }

        if (source.Handler is { } handler)
        {
            ILogger logger = loggers.CreateLogger("SyfalaGraph.Commands." + path.Replace(' ', '.'));
            command.SetAction((parse, token) => InvokeAsync(parse, path, handler, values, logger, token));
        }

        return command;
    }

    private static async Task<int> InvokeAsync(ParseResult parse, string name, Func<CommandInvocation, Task<int>> handler,
        List<(string Name, Func<ParseResult, object?> Read)> values, ILogger logger, CancellationToken token)
    {
        var parsed = values.ToDictionary(v => v.Name, v => v.Read(parse), StringComparer.Ordinal);

        // The Generic Host does not run here and System.CommandLine's own signal handling is off (Program.cs): the
        // command's token is cancelled by its own registrations, which live exactly as long as the handler runs. The
        // source is not disposed: a signal arriving while the registrations are disposed may still cancel it.
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(token);
        int signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = Interlocked.Increment(ref signals) == 1; // the second one ends the process as usual
            cancel.Cancel();
        }

        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            return await handler(new CommandInvocation(parsed, Console.Out, Console.Error, logger, cancel.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{name}: cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"{name} failed: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            logger.LogDebug(ex, "{Command} failed", name);
            return ExitCodes.RuntimeFailure;
        }
    }

    private static (Argument, Func<ParseResult, object?>) MapArgument(CommandArgument a) => a.ValueType switch
    {
        _ when a.ValueType == typeof(string) => MapArgument<string>(a),
        _ when a.ValueType == typeof(bool) => MapArgument<bool>(a),
        _ when a.ValueType == typeof(int) => MapArgument<int>(a),
        _ when a.ValueType == typeof(long) => MapArgument<long>(a),
        _ when a.ValueType == typeof(double) => MapArgument<double>(a),
        _ => throw new ArgumentException($"argument '{a.Name}' has unsupported type {a.ValueType.Name}"),
    };

    private static (Argument, Func<ParseResult, object?>) MapArgument<T>(CommandArgument a)
    {
        var argument = new Argument<T>(a.Name) { Description = a.Description };
        return (argument, parse => parse.GetValue(argument));
    }

    private static (Option, Func<ParseResult, object?>) MapOption(CommandOption o) => o.ValueType switch
    {
        _ when o.ValueType == typeof(string) => MapOption<string>(o),
        _ when o.ValueType == typeof(bool) => MapOption<bool>(o),
        _ when o.ValueType == typeof(int) => MapOption<int>(o),
        _ when o.ValueType == typeof(long) => MapOption<long>(o),
        _ when o.ValueType == typeof(double) => MapOption<double>(o),
        _ => throw new ArgumentException($"option '{o.Name}' has unsupported type {o.ValueType.Name}"),
    };

    private static (Option, Func<ParseResult, object?>) MapOption<T>(CommandOption o)
    {
        var option = new Option<T>(o.Name, [.. o.Aliases]) { Description = o.Description, Required = o.Required };
        if (o.DefaultValue is T value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return (option, parse => parse.GetValue(option));
    }
}
