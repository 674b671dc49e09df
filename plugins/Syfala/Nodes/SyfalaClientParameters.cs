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
    /// Accept a server whose sample rate differs from the graph's (up to 16 times apart): received audio is converted
    /// to the graph's rate by the drift-following jitter buffer (its <see cref="SyfalaNodeParameters.LatencyFrames"/>
    /// then counts frames at the server's rate), and sent audio is converted to the server's rate on the sender
    /// thread. Windowed-sinc conversion, anti-aliased when the rate goes down (THD+N of a 1 kHz tone about −110 dB).
    /// Needs <c>drift_compensation</c>; cannot be combined with <c>drive</c>.
    /// </summary>
    [Description("Accept a server at another sample rate and convert both directions (needs drift_compensation; not with drive).")]
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

        if (Resample && !DriftCompensation)
        {
            yield return new ParameterError("resample", "resample: true needs drift_compensation: true (two nominal rates mean two clocks, whose drift must be followed)");
        }

        if (Resample && Drive)
        {
            yield return new ParameterError("resample", "resample: true cannot be combined with drive: true (a driven domain runs at the server's rate, with no conversion)");
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
