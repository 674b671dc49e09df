using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;

namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// Parameters of <see cref="SyfalaClientNode"/> (<c>syfala.client</c>). <c>inputs</c> / <c>outputs</c> are the
/// server's formats the client expects, in the server's terms. Graph inputs: one port per entry of <c>outputs</c>
/// (streams the client sends); graph outputs: one port per entry of <c>inputs</c> (streams it receives).
/// </summary>
public sealed record SyfalaClientParameters : SyfalaNodeParameters
{
    /// <summary>The server, <c>host:port</c> (unless <see cref="Discover"/>).</summary>
    [Description("The server's host:port (e.g. 127.0.0.1:6910); not needed with discover: true.")]
    public string Server { get; init; } = "";

    /// <summary>Find the server by broadcasting Discovery to <see cref="Broadcast"/> instead.</summary>
    [Description("Find the server by broadcasting Discovery (to 'broadcast') instead of using 'server'.")]
    public bool Discover { get; init; }

    /// <summary>Where Discovery is broadcast, <c>address:port</c>.</summary>
    [Description("Broadcast address:port for discovery.")]
    public string Broadcast { get; init; } = "255.255.255.255:6910";

    /// <summary>Interval between Discovery messages while no server is connected, in ms.</summary>
    [Unit("ms")]
    [Range(10, 600_000)]
    [Description("Interval between Discovery messages while unconnected, ms.")]
    public int DiscoveryPeriodMs { get; init; } = 250;

    /// <summary>Ask for I/O as soon as connected.</summary>
    [Description("Start I/O as soon as connected.")]
    public bool AutoStart { get; init; } = true;

    /// <summary>
    /// Accept a server whose sample rate differs from the graph's. Not available yet (it needs the adaptive resampling
    /// bridge): such a server is still refused, with a message saying so.
    /// </summary>
    [Description("Accept a server at another sample rate (not available yet: such a server is refused with a message).")]
    public bool Resample { get; init; }

    /// <inheritdoc/>
    public override void DeclarePorts(PortLayout ports) => DeclareStreamPorts(ports, Outputs, Inputs);

    /// <inheritdoc/>
    public override IEnumerable<ParameterError> Validate()
    {
        foreach (ParameterError e in base.Validate())
        {
            yield return e;
        }

        if (Discover && Control == SyfalaControlTransport.Tcp)
        {
            yield return new ParameterError("control", "control: tcp needs the server's address ('server'); discovery is a UDP broadcast");
        }

        if (Discover)
        {
            if (EndPointParser.Check(Broadcast, out _, out _) is { } error)
            {
                yield return new ParameterError("broadcast", error);
            }
        }
        else if (string.IsNullOrEmpty(Server))
        {
            yield return new ParameterError("server", "give the server's host:port, or discover: true");
        }
        else if (EndPointParser.Check(Server, out _, out int port) is { } error)
        {
            yield return new ParameterError("server", error);
        }
        else if (port == 0)
        {
            yield return new ParameterError("server", "the server's port cannot be 0");
        }
    }
}
