using SyfalaGraph.Plugins.Syfala.Nodes;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

/// <summary>
/// How <see cref="ServerProtocol"/> bounds the sessions a peer may hold (README, "Server admission policy"): at most
/// <paramref name="MaxClientsPerAddress"/> sessions per IP address; a session that does not run I/O ends after
/// <paramref name="IdleTimeoutMs"/> ms (0: never); a StartIO while another client's I/O runs follows
/// <paramref name="Takeover"/>, judged for <see cref="SyfalaTakeover.Idle"/> by the audio the holder sends, which exists
/// only when the server <paramref name="ReceivesAudio"/>.
/// </summary>
internal sealed record ServerAdmission(int MaxClientsPerAddress, long IdleTimeoutMs, SyfalaTakeover Takeover, bool ReceivesAudio)
{
    /// <summary>No per-address limit, no idle timeout, holders keep I/O (the protocol tests' neutral policy).</summary>
    public static ServerAdmission Default { get; } = new(int.MaxValue, 0, SyfalaTakeover.Refuse, ReceivesAudio: true);

    /// <summary>The policy's YAML spelling, for messages (no allocation: constant strings).</summary>
    public string TakeoverName => Takeover switch
    {
        SyfalaTakeover.Idle => "idle",
        SyfalaTakeover.Newest => "newest",
        _ => "refuse",
    };
}
