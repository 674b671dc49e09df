using System.Globalization;
using SyfalaGraph.Abstractions.Commands;

namespace SyfalaGraph.Examples.Invert;

/// <summary>
/// The plugin's <c>syfala-graph example …</c> commands: a public class implementing <see cref="ICommandProvider"/>
/// with a parameterless constructor, found by the plugin host like the node types. <c>scale</c> is the example;
/// <c>fail</c> and <c>wait</c> show how the host treats a handler that throws (exit 1) and Ctrl-C (exit 130).
/// </summary>
public sealed class ExampleCommands : ICommandProvider
{
    private static readonly CommandArgument Value = new("value", typeof(double), "The number to scale");
    private static readonly CommandOption Scale = new("--scale", typeof(double), "The factor") { DefaultValue = -1.0 };

    /// <summary>The <c>example</c> group.</summary>
    public IReadOnlyList<PluginCommand> Commands { get; } =
    [
        new PluginCommand("example", "Commands of the example plugin")
        {
            Subcommands =
            [
                new PluginCommand("scale", "Print value × scale (what example.invert does to a sample)")
                {
                    Arguments = [Value],
                    Options = [Scale],
                    Handler = invocation =>
                    {
                        double product = invocation.GetValue<double>(Value) * invocation.GetValue<double>(Scale);
                        invocation.Output.WriteLine(product.ToString(CultureInfo.InvariantCulture));
                        return Task.FromResult(CommandExitCodes.Success);
                    },
                },
                new PluginCommand("fail", "Throw from the handler (syfala-graph reports it and exits 1)")
                {
                    Handler = _ => throw new InvalidOperationException("the example command failed on purpose"),
                },
                new PluginCommand("wait", "Wait until Ctrl-C or SIGTERM (syfala-graph exits 130)")
                {
                    Handler = async invocation =>
                    {
                        invocation.Error.WriteLine("waiting");
                        await Task.Delay(Timeout.Infinite, invocation.CancellationToken).ConfigureAwait(false);
                        return CommandExitCodes.Success;
                    },
                },
            ],
        },
    ];
}
