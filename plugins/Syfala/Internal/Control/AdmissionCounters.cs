namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

/// <summary>
/// What <see cref="ServerProtocol"/> ignored, refused or ended by policy, cumulative since the node started. Written by
/// the control plane only; each field is one atomic 64-bit read from another thread.
/// </summary>
/// <param name="UnknownPeer">Messages other than Discovery from a peer without a session.</param>
/// <param name="NotAllowed">Discoveries from an address outside the allow list.</param>
/// <param name="OverMaxClients">Discoveries from a new peer while max_clients sessions existed.</param>
/// <param name="OverPerAddress">Discoveries from a new peer whose address already held max_clients_per_address sessions.</param>
/// <param name="IdleEvicted">Sessions ended because they ran no I/O for idle_timeout_ms.</param>
/// <param name="TakeoverRefused">StartIO answered StartIOFailed because another client's I/O ran and the takeover policy kept it.</param>
/// <param name="TakenOver">Running sessions ended because another client took I/O over.</param>
/// <param name="Abandoned">Handshakes dropped because the peer never answered Connect within timeout_ms.</param>
/// <param name="HeldOff">Discoveries from an address in its hold-off (idle_timeout_ms after one of its sessions was evicted for idleness).</param>
internal record struct AdmissionCounters(
    long UnknownPeer,
    long NotAllowed,
    long OverMaxClients,
    long OverPerAddress,
    long IdleEvicted,
    long TakeoverRefused,
    long TakenOver,
    long Abandoned,
    long HeldOff);
