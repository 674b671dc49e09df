using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;

namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// Parameters of <see cref="SyfalaServerNode"/> (<c>syfala.server</c>). Graph inputs: one port per entry of
/// <c>inputs</c> (streams sent to the client); graph outputs: one port per entry of <c>outputs</c> (streams received).
/// </summary>
public sealed record SyfalaServerParameters : SyfalaNodeParameters
{
    /// <summary>Local address and UDP port to listen on (<c>host:port</c>; port 0 = any free port).</summary>
    [Description("Local address:port to listen on (UDP; TCP too with control: tcp). 0.0.0.0 = every interface.")]
    public string Bind { get; init; } = "0.0.0.0:6910";

    /// <summary>Largest number of client sessions at once (only one runs I/O at a time).</summary>
    [Range(1, 1024)]
    [Description("Largest number of connected clients (one of them runs I/O at a time).")]
    public int MaxClients { get; init; } = 8;

    /// <summary>CIDR blocks allowed to connect (empty = everyone).</summary>
    [Description("CIDR blocks allowed to connect, e.g. [127.0.0.0/8, 192.168.1.0/24]; empty = everyone.")]
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <inheritdoc/>
    public override void DeclarePorts(PortLayout ports) => DeclareStreamPorts(ports, Inputs, Outputs);

    /// <inheritdoc/>
    public override IEnumerable<ParameterError> Validate()
    {
        foreach (ParameterError e in base.Validate())
        {
            yield return e;
        }

        if (EndPointParser.Check(Bind, out string host, out _) is { } bindError)
        {
            yield return new ParameterError("bind", bindError);
        }
        else if (!System.Net.IPAddress.TryParse(host, out _))
        {
            yield return new ParameterError("bind", $"'{host}' is not an IP address (bind to 0.0.0.0, 127.0.0.1, [::] or an interface address)");
        }

        if (EndPointParser.TryParseNetworks(Allow, out _) is { } allowError)
        {
            yield return new ParameterError("allow", allowError);
        }
    }
}
