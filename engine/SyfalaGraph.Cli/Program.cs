using System.CommandLine;
using SyfalaGraph.Cli;
using SyfalaGraph.Cli.Commands;

var root = new RootCommand("syfala-graph: a plugin-based real-time audio graph engine")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    NodesCommand.Create(),
    SchemaCommand.Create(),
    SyfalaCommand.Create(),
};
ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var e in parse.Errors)
    {
        Console.Error.WriteLine(e.Message);
    }

    return ExitCodes.InvalidInput;
}

return await parse.InvokeAsync();
