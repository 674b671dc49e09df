using System.CommandLine;
using SyfalaGraph.Cli;
using SyfalaGraph.Cli.Commands;

var root = new RootCommand("syfala-graph: a plugin-based real-time audio graph engine")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    NodesCommand.Create(),
    DevicesCommand.Create(),
    SchemaCommand.Create(),
    DotCommand.Create(),
    CompletionCommand.Create(),
};
var logLevel = new Option<string?>("--log-level")
{
    Description = "Log level: trace, debug, info, warning, error, critical or none (overrides -v and -q)",
    Recursive = true,
};
logLevel.AcceptOnlyFromAmong("trace", "debug", "info", "information", "warning", "error", "critical", "none");
var quiet = new Option<bool>("--quiet", "-q") { Description = "Log warnings and errors only", Recursive = true };
root.Options.Add(logLevel);
root.Options.Add(quiet);
using ContributedCommands? contributed = ContributedCommands.AddTo(root, args);
ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var e in parse.Errors)
    {
        Console.Error.WriteLine(e.Message);
    }

    // A mistyped command gets the closest names, as git does.
    if (args.Length > 0 && !args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0]))
    {
        Console.Error.WriteLine($"'{args[0]}' is not a syfala-graph command{SyfalaGraph.Engine.Parameters.Suggestions.DidYouMean(args[0], root.Subcommands.Select(c => c.Name))}; `syfala-graph --help` lists them");
    }

    return ExitCodes.InvalidInput;
}

CliServices.RequestedLevel = parse.GetValue(logLevel) switch
{
    "trace" => Microsoft.Extensions.Logging.LogLevel.Trace,
    "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
    "info" or "information" => Microsoft.Extensions.Logging.LogLevel.Information,
    "warning" => Microsoft.Extensions.Logging.LogLevel.Warning,
    "error" => Microsoft.Extensions.Logging.LogLevel.Error,
    "critical" => Microsoft.Extensions.Logging.LogLevel.Critical,
    "none" => Microsoft.Extensions.Logging.LogLevel.None,
    _ => parse.GetValue(quiet) ? Microsoft.Extensions.Logging.LogLevel.Warning : null,
};

// SIGINT/SIGTERM are handled by the Generic Host's console lifetime (`run` stops its graph on them). Letting
// System.CommandLine handle them as well raced: when its handler thread ran after `run` had already returned, it
// cancelled a disposed token source and the process aborted (exit 134) instead of exiting 0.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
