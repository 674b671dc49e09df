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
};
using ContributedCommands? contributed = ContributedCommands.AddTo(root, args);
ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var e in parse.Errors)
    {
        Console.Error.WriteLine(e.Message);
    }

    return ExitCodes.InvalidInput;
}

// SIGINT/SIGTERM are handled by the Generic Host's console lifetime (`run` stops its graph on them). Letting
// System.CommandLine handle them as well raced: when its handler thread ran after `run` had already returned, it
// cancelled a disposed token source and the process aborted (exit 134) instead of exiting 0.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
