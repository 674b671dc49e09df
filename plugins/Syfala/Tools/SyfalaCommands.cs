using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Abstractions.Commands;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tools;

/// <summary>
/// <c>syfala-graph syfala discover|probe</c>: look for Syfala servers on the network, or query one, through
/// <see cref="SyfalaProbe"/>. Contributed to the command line through the plugin contract (found by the plugin host
/// like the node types), so the tools load from this plugin's folder like everything else in it. Audio thread: no.
/// </summary>
public sealed class SyfalaCommands : ICommandProvider
{
    private static readonly CommandOption DiscoverTimeout = new("--timeout", typeof(double), "Seconds to wait for answers") { DefaultValue = 1.0 };
    private static readonly CommandOption Broadcast = new("--broadcast", typeof(string), "Where Discovery is sent (address:port)") { DefaultValue = "255.255.255.255:6910" };
    private static readonly CommandArgument Server = new("server", typeof(string), "The server, host:port");
    private static readonly CommandOption ProbeTimeout = new("--timeout", typeof(double), "Seconds to wait for the server") { DefaultValue = 2.0 };

    /// <summary>The <c>syfala</c> group with its <c>discover</c> and <c>probe</c> subcommands.</summary>
    public IReadOnlyList<PluginCommand> Commands { get; } =
    [
        new PluginCommand("syfala", "Syfala protocol tools")
        {
            Subcommands =
            [
                new PluginCommand("discover", "Broadcast a Discovery and list the servers that answer, with their formats (exit 1 when none answers)")
                {
                    Options = [DiscoverTimeout, Broadcast],
                    Handler = DiscoverAsync,
                },
                new PluginCommand("probe", "Connect to one server, print its formats and disconnect (exit 1 when it does not answer)")
                {
                    Arguments = [Server],
                    Options = [ProbeTimeout],
                    Handler = ProbeAsync,
                },
            ],
        },
    ];

    private static async Task<int> DiscoverAsync(CommandInvocation invocation)
    {
        if (!TryEndPoint(invocation.GetValue<string>(Broadcast)!, invocation.Error, out IPEndPoint? target))
        {
            return CommandExitCodes.InvalidInput;
        }

        double timeout = invocation.GetValue<double>(DiscoverTimeout);
        try
        {
            IReadOnlyList<DiscoveredServer> servers = await SyfalaProbe.DiscoverAsync(target, TimeSpan.FromSeconds(timeout), invocation.CancellationToken).ConfigureAwait(false);
            foreach (DiscoveredServer s in servers)
            {
                invocation.Output.WriteLine($"{s.EndPoint}");
                Print(s.Formats, invocation.Output);
            }

            if (servers.Count == 0)
            {
                invocation.Error.WriteLine($"no Syfala server answered a Discovery sent to {target} within {timeout.ToString(CultureInfo.InvariantCulture)} s");
                return CommandExitCodes.Failure;
            }

            return CommandExitCodes.Success;
        }
        catch (SocketException e)
        {
            invocation.Error.WriteLine($"cannot send a Discovery to {target}: {e.Message}");
            return CommandExitCodes.Failure;
        }
    }

    private static async Task<int> ProbeAsync(CommandInvocation invocation)
    {
        if (!TryEndPoint(invocation.GetValue<string>(Server)!, invocation.Error, out IPEndPoint? server))
        {
            return CommandExitCodes.InvalidInput;
        }

        double timeout = invocation.GetValue<double>(ProbeTimeout);
        try
        {
            StreamFormats? formats = await SyfalaProbe.ProbeAsync(server, TimeSpan.FromSeconds(timeout), invocation.CancellationToken).ConfigureAwait(false);
            if (formats is null)
            {
                invocation.Error.WriteLine($"{server} did not answer within {timeout.ToString(CultureInfo.InvariantCulture)} s");
                return CommandExitCodes.Failure;
            }

            invocation.Output.WriteLine($"{server}");
            Print(formats, invocation.Output);
            return CommandExitCodes.Success;
        }
        catch (SocketException e)
        {
            invocation.Error.WriteLine($"cannot reach {server}: {e.Message}");
            return CommandExitCodes.Failure;
        }
    }

    private static bool TryEndPoint(string text, TextWriter error, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error.WriteLine($"'{text}' is not host:port");
            return false;
        }

        try
        {
            IPAddress ip = IPAddress.TryParse(host, out IPAddress? a) ? a : Dns.GetHostAddresses(host).First(x => x.AddressFamily == AddressFamily.InterNetwork);
            endPoint = new IPEndPoint(ip, port);
            return true;
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            error.WriteLine($"'{host}' does not resolve: {e.Message}");
            return false;
        }
    }

    private static void Print(StreamFormats formats, TextWriter output)
    {
        for (int i = 0; i < formats.Inputs.Length; i++)
        {
            output.WriteLine($"  input  {i} (server → client): {Describe(formats.Inputs[i])}");
        }

        for (int i = 0; i < formats.Outputs.Length; i++)
        {
            output.WriteLine($"  output {i} (client → server): {Describe(formats.Outputs[i])}");
        }
    }

    private static string Describe(StreamFormat f) => string.Format(CultureInfo.InvariantCulture,
        "{0} ch {1} at {2} Hz, buffer {3} frames", f.ChannelCount, f.SampleType.ToString().ToLowerInvariant(), f.SampleRate, f.BufferSize);
}
