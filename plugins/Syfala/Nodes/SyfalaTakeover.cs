namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// What <c>syfala.server</c> does when a client asks StartIO while another client's I/O runs (one client runs I/O at a
/// time: the graph ports are one set of streams). The holder that loses I/O is sent Disconnect and its session ends;
/// it may connect again.
/// </summary>
public enum SyfalaTakeover
{
    /// <summary>
    /// The holder keeps I/O until it stops, disconnects or times out; the other client gets StartIOFailed (it retries).
    /// A holder that heartbeats but never sends audio keeps I/O for good.
    /// </summary>
    Refuse = 0,

    /// <summary>
    /// The holder keeps I/O while its audio arrives; one from which no audio came for <c>idle_timeout_ms</c> loses it to
    /// the client that asks. A server that receives no stream has no audio to judge by: it refuses, as <see cref="Refuse"/>.
    /// </summary>
    Idle = 1,

    /// <summary>The newest StartIO wins at once. Two clients that both start I/O by themselves take it from each other in turn.</summary>
    Newest = 2,
}
