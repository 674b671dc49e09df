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

    /// <summary>CIDR blocks or single addresses allowed to connect (empty = everyone); others are ignored and counted.</summary>
    [Description("CIDR blocks allowed to connect, e.g. [127.0.0.0/8, 192.168.1.0/24]; empty = everyone.")]
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary>
    /// A session that runs no I/O for this long — counted from its first Discovery, or from its last StopIO — is sent
    /// Disconnect and ends, in ms; its address opens no new session for as long again. Heartbeats and failed StartIO
    /// attempts do not count as activity. 0 = never (a peer that only heartbeats then holds its slot for good).
    /// </summary>
    [Unit("ms")]
    [Range(0, 86_400_000)]
    [Description("A connected client that runs no I/O this long is disconnected (heartbeats do not count), ms; its address then waits as long again. 0 = never.")]
    public int IdleTimeoutMs { get; init; } = 5000;

    /// <summary>Largest number of sessions from one IP address at once (any port).</summary>
    [Range(1, 1024)]
    [Description("Largest number of client sessions from one IP address (ports do not count).")]
    public int MaxClientsPerAddress { get; init; } = 4;

    /// <summary>What a StartIO gets while another client's I/O runs (<see cref="SyfalaTakeover"/>).</summary>
    [Description("StartIO while another client runs I/O: 'refuse' (the holder keeps it), 'idle' (taken from a holder that sent no audio for idle_timeout_ms) or 'newest' (the newest request wins); the holder that loses I/O is disconnected.")]
    public SyfalaTakeover Takeover { get; init; } = SyfalaTakeover.Idle;

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

        if (IdleTimeoutMs != 0 && IdleTimeoutMs <= TimeoutMs)
        {
            yield return new ParameterError("idle_timeout_ms", $"idle_timeout_ms ({IdleTimeoutMs}) must be longer than timeout_ms ({TimeoutMs}), or 0 (never): a client needs time to connect and start I/O");
        }

        if (!Enum.IsDefined(Takeover))
        {
            yield return new ParameterError("takeover", $"takeover is {(int)Takeover}: use 'refuse', 'idle' or 'newest'");
        }
        else if (Takeover == SyfalaTakeover.Idle && IdleTimeoutMs == 0)
        {
            yield return new ParameterError("takeover", "takeover: idle needs idle_timeout_ms > 0 (how long a holder may send no audio)");
        }
    }
}
