namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>
/// A node that runs threads of its own between <see cref="Start"/> and <see cref="Stop"/> (disk
/// streaming, network transports). Such threads exchange audio with <see cref="AudioNode.Process"/>
/// only through <see cref="Rings.SpscRing{T}"/> rings.
/// </summary>
public interface IServiceNode
{
    /// <summary>Starts the node's threads, after <see cref="AudioNode.Prepare"/> and before the first block. Audio thread: no.</summary>
    /// <exception cref="NodeException">The service cannot start (the message says why).</exception>
    void Start();

    /// <summary>
    /// Stops the node's threads after the last block and finishes pending work (a file writer drains
    /// its ring and finalises the file). Must return within a bounded time. Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">
    /// The node's work is incomplete (a file writer could not write everything): the message says what was lost.
    /// The host finishes stopping the other nodes, reports it as a failure and <c>run</c> exits with 1.
    /// </exception>
    void Stop();
}
