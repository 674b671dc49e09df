using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Plugins.Syfala.Tools;

namespace SyfalaGraph.Cli.Commands;

/// <summary>
/// <c>syfala-graph syfala discover|probe</c>: look for Syfala servers on the network, or query one. Uses the Syfala
/// plugin's protocol library directly (the CLI references that assembly; graphs still load the plugin from its folder).
/// </summary>
internal static class SyfalaCommand
{
    public static Command Create()
    {
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for answers", DefaultValueFactory = _ => 1.0 };
        var broadcast = new Option<string>("--broadcast") { Description = "Where Discovery is sent (address:port)", DefaultValueFactory = _ => "255.255.255.255:6910" };
        var discover = new Command("discover", "Broadcast a Discovery and list the servers that answer, with their formats (exit 1 when none answers)")
        {
            timeout, broadcast,
        };
        discover.SetAction(async (parse, token) =>
        {
            if (!TryEndPoint(parse.GetValue(broadcast)!, out IPEndPoint? target))
            {
                return ExitCodes.InvalidInput;
            }

            try
            {
                IReadOnlyList<DiscoveredServer> servers = await SyfalaProbe.DiscoverAsync(target, TimeSpan.FromSeconds(parse.GetValue(timeout)), token).ConfigureAwait(false);
                foreach (DiscoveredServer s in servers)
                {
                    Console.WriteLine($"{s.EndPoint}");
                    Print(s.Formats);
                }

                if (servers.Count == 0)
                {
                    Console.Error.WriteLine($"no Syfala server answered a Discovery sent to {target} within {parse.GetValue(timeout).ToString(CultureInfo.InvariantCulture)} s");
                    return ExitCodes.RuntimeFailure;
                }

                return ExitCodes.Success;
            }
            catch (SocketException e)
            {
                Console.Error.WriteLine($"cannot send a Discovery to {target}: {e.Message}");
                return ExitCodes.RuntimeFailure;
            }
        });

        var address = new Argument<string>("server") { Description = "The server, host:port" };
        var probeTimeout = new Option<double>("--timeout") { Description = "Seconds to wait for the server", DefaultValueFactory = _ => 2.0 };
        var probe = new Command("probe", "Connect to one server, print its formats and disconnect (exit 1 when it does not answer)") { address, probeTimeout };
        probe.SetAction(async (parse, token) =>
        {
            if (!TryEndPoint(parse.GetValue(address)!, out IPEndPoint? server))
            {
                return ExitCodes.InvalidInput;
            }

            try
            {
                StreamFormats? formats = await SyfalaProbe.ProbeAsync(server, TimeSpan.FromSeconds(parse.GetValue(probeTimeout)), token).ConfigureAwait(false);
                if (formats is null)
                {
                    Console.Error.WriteLine($"{server} did not answer within {parse.GetValue(probeTimeout).ToString(CultureInfo.InvariantCulture)} s");
                    return ExitCodes.RuntimeFailure;
                }

                Console.WriteLine($"{server}");
                Print(formats);
                return ExitCodes.Success;
            }
            catch (SocketException e)
            {
                Console.Error.WriteLine($"cannot reach {server}: {e.Message}");
                return ExitCodes.RuntimeFailure;
            }
        });

        return new Command("syfala", "Syfala protocol tools") { discover, probe };
    }

    private static bool TryEndPoint(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            Console.Error.WriteLine($"'{text}' is not host:port");
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
            Console.Error.WriteLine($"'{host}' does not resolve: {e.Message}");
            return false;
        }
    }

    private static void Print(StreamFormats formats)
    {
        for (int i = 0; i < formats.Inputs.Length; i++)
        {
            Console.WriteLine($"  input  {i} (server → client): {Describe(formats.Inputs[i])}");
        }

        for (int i = 0; i < formats.Outputs.Length; i++)
        {
            Console.WriteLine($"  output {i} (client → server): {Describe(formats.Outputs[i])}");
        }
    }

    private static string Describe(StreamFormat f) => string.Format(CultureInfo.InvariantCulture,
        "{0} ch {1} at {2} Hz, buffer {3} frames", f.ChannelCount, f.SampleType.ToString().ToLowerInvariant(), f.SampleRate, f.BufferSize);
}
