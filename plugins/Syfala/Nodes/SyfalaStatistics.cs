namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// A snapshot of a Syfala node's counters (cumulative since Start, all sessions). The server runs I/O with one
/// client at a time, so these are the counters of the peer(s) it exchanged audio with, in turn.
/// </summary>
/// <param name="DatagramsReceived">Every datagram received (control and audio, valid or not).</param>
/// <param name="BytesReceived">Their bytes.</param>
/// <param name="AudioDatagrams">Audio datagrams accepted into a stream (not duplicates, not late).</param>
/// <param name="AudioPayloadBytes">Their payload bytes.</param>
/// <param name="DatagramsSent">Audio datagrams sent (after impairments).</param>
/// <param name="BytesSent">Their bytes, headers included.</param>
/// <param name="LostBytes">Stream bytes never received in time, concealed with silence.</param>
/// <param name="Gaps">Concealment events (runs of lost bytes).</param>
/// <param name="ConcealedFrames">Frames of silence inserted for lost bytes.</param>
/// <param name="Late">Datagrams that arrived after their bytes had been concealed (dropped).</param>
/// <param name="Duplicates">Datagrams received twice (dropped).</param>
/// <param name="Reordered">Datagrams that arrived after a later one and still filled their gap.</param>
/// <param name="Malformed">Datagrams that did not decode (audio and control).</param>
/// <param name="UnknownPeer">Audio datagrams from an address other than the session's peer.</param>
/// <param name="NotRunning">Audio datagrams received while no I/O session ran.</param>
/// <param name="BadStream">Audio for a stream index that does not exist.</param>
/// <param name="LengthMismatch">Audio whose n_bytes differs from its payload length.</param>
/// <param name="Implausible">
/// Audio datagrams off the current stream, dropped: byte_idx farther ahead or behind than the jitter buffer tolerates
/// (a corrupted header, a forged datagram, the first datagrams of a peer that restarted elsewhere) or overflowing.
/// </param>
/// <param name="RejectedJumps">
/// Jumps of byte_idx not believed: runs of off-stream datagrams discarded because datagrams of the current stream
/// kept arriving (it wins back) or because the run itself broke off.
/// </param>
/// <param name="Resyncs">
/// Jumps believed: the stream moved to a new byte_idx after 8 datagrams there over at least 100 ms with none of the
/// old stream (a peer that restarted its stream). Logged, with the rejected ones, at most once a second.
/// </param>
/// <param name="ControlDropped">Control datagrams dropped because the control plane's inbox was full.</param>
/// <param name="JitterMs">RFC 3550 interarrival jitter of the first received stream, ms.</param>
/// <param name="JitterBufferFillFrames">Frames in the first receive buffer now.</param>
/// <param name="JitterBufferTargetFrames">
/// The depth the first receive buffer holds now, frames at the peer's rate: latency_frames, or with jitter_buffer: adaptive
/// what the arrival timing seen lately needs.
/// </param>
/// <param name="ResampleRatioPpm">Resampling ratio of the first receive buffer minus 1, in ppm: how fast the peer's clock runs against ours (0 without drift compensation).</param>
/// <param name="Underflows">Reads of the audio thread that found the jitter buffer short while playing (silence inserted; it then primes again): one per dropout.</param>
/// <param name="StarvedBlocks">
/// Blocks the audio thread played as silence, wholly or partly, for want of received audio: each underflowing read
/// and every read while the buffer primes again after it (not the priming at a session's start, nor after the peer
/// is lost). A stream that stopped arriving grows it by one per block, while <paramref name="Underflows"/> stays.
/// </param>
/// <param name="SendOverflows">Blocks the audio thread could not hand to the sender thread (ring full).</param>
/// <param name="ChaosDropped">Audio datagrams dropped by the chaos option.</param>
/// <param name="ChaosDroppedPayloadBytes">Their payload bytes.</param>
/// <param name="ChaosDuplicated">Audio datagrams sent twice by the chaos option.</param>
/// <param name="ChaosCorrupted">Audio datagrams corrupted by the chaos option.</param>
/// <param name="ChaosReordered">Audio datagrams held back by the chaos option.</param>
public readonly record struct SyfalaStatistics(
    long DatagramsReceived,
    long BytesReceived,
    long AudioDatagrams,
    long AudioPayloadBytes,
    long DatagramsSent,
    long BytesSent,
    long LostBytes,
    long Gaps,
    long ConcealedFrames,
    long Late,
    long Duplicates,
    long Reordered,
    long Malformed,
    long UnknownPeer,
    long NotRunning,
    long BadStream,
    long LengthMismatch,
    long Implausible,
    long RejectedJumps,
    long Resyncs,
    long ControlDropped,
    double JitterMs,
    int JitterBufferFillFrames,
    double JitterBufferTargetFrames,
    double ResampleRatioPpm,
    long Underflows,
    long StarvedBlocks,
    long SendOverflows,
    long ChaosDropped,
    long ChaosDroppedPayloadBytes,
    long ChaosDuplicated,
    long ChaosCorrupted,
    long ChaosReordered)
{
    // Server admission counters (syfala.server only; 0 on a client). Control plane counters: README, "Server admission policy".

    /// <summary>Control messages other than Discovery from a peer without a session (ignored).</summary>
    public long IgnoredUnknownPeer { get; init; }

    /// <summary>Discoveries from an address outside <c>allow</c> (ignored).</summary>
    public long RefusedNotAllowed { get; init; }

    /// <summary>Discoveries from a new peer while <c>max_clients</c> sessions existed (ignored).</summary>
    public long RefusedMaxClients { get; init; }

    /// <summary>Discoveries from a new peer whose address held <c>max_clients_per_address</c> sessions (ignored).</summary>
    public long RefusedPerAddress { get; init; }

    /// <summary>Discoveries from an address within <c>idle_timeout_ms</c> of one of its sessions being evicted for idleness (ignored).</summary>
    public long RefusedHeldOff { get; init; }

    /// <summary>Sessions the server disconnected because they ran no I/O for <c>idle_timeout_ms</c>.</summary>
    public long IdleEvicted { get; init; }

    /// <summary>StartIO answered StartIOFailed because another client's I/O ran and the <c>takeover</c> policy kept it.</summary>
    public long TakeoverRefused { get; init; }

    /// <summary>Running clients disconnected because another client took I/O over (<c>takeover: idle | newest</c>).</summary>
    public long TakenOver { get; init; }

    /// <summary>Handshakes dropped because the peer never answered Connect within <c>timeout_ms</c>.</summary>
    public long HandshakesAbandoned { get; init; }

    /// <summary>TCP control connections closed at accept (<c>control: tcp</c>: allow list, per-address limit, max_clients).</summary>
    public long TcpRefused { get; init; }

    /// <summary>Log lines about single sessions left out by the control plane's rate limit (counted in its summaries).</summary>
    public long LogLinesSuppressed { get; init; }
}
