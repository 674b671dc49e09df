using SyfalaGraph.Engine.Graph;

namespace SyfalaGraph.Cli.Commands;

/// <summary>Prints graph-file errors as <c>file:line:col: message</c> lines on stderr.</summary>
internal static class GraphErrors
{
    public static int Report(GraphException ex)
    {
        foreach (GraphError e in ex.Errors)
        {
            Console.Error.WriteLine(e.ToString());
        }

        Console.Error.WriteLine($"{ex.Errors.Count} error(s)");
        return ExitCodes.InvalidInput;
    }
}
