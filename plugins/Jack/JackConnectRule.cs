using System.ComponentModel;

namespace SyfalaGraph.Plugins.Jack;

/// <summary>
/// One <c>connect</c> rule of <see cref="JackClientParameters"/>: every JACK output port whose name matches
/// <see cref="From"/> is connected to every JACK input port whose name matches <see cref="To"/>, when the node
/// starts and again whenever a matching port appears (as jack-matchmaker does).
/// </summary>
/// <remarks>
/// A pattern is a .NET regular expression that must match the whole port name. A pattern with a ':' is matched
/// against full port names ("client:port"); a pattern without ':' is matched against the short names of this
/// node's own ports only (so <c>out_1</c> means this client's port, whatever suffix JACK gave the client name).
/// A literal port name is a valid pattern (escape '.', '(' … when they must match literally).
/// </remarks>
public sealed record JackConnectRule
{
    /// <summary>The source: a JACK output port (full name or regular expression; no ':' = one of this node's ports).</summary>
    [Description("Source port(s): a JACK output port name or regular expression (whole name). Without ':' it names this node's own ports (e.g. out_1).")]
    public string From { get; init; } = "";

    /// <summary>The destination: a JACK input port (full name or regular expression; no ':' = one of this node's ports).</summary>
    [Description("Destination port(s): a JACK input port name or regular expression (whole name). Without ':' it names this node's own ports (e.g. in_1).")]
    public string To { get; init; } = "";
}
