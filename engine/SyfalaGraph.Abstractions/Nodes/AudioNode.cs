using SyfalaGraph.Abstractions.Parameters;

namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>
/// Base class of every node. Life cycle, in this order and never concurrently:
/// construction (parameters and DI services injected; off the audio thread) →
/// <see cref="Prepare"/> (off the audio thread: allocate everything here) →
/// <see cref="Process"/> once per block (audio thread) →
/// <see cref="Dispose()"/> (off the audio thread, after the last <see cref="Process"/>).
/// </summary>
/// <remarks>
/// Real-time contract of <see cref="Process"/>: no allocation, no lock, no blocking I/O, no logging,
/// no LINQ, closures or boxing. An exception thrown by <see cref="Process"/> is caught by the engine:
/// the node is muted (its outputs are silent from then on), the fault is counted and reported off the
/// audio thread, and the rest of the graph keeps running.
/// </remarks>
public abstract class AudioNode : IDisposable
{
    /// <summary>
    /// Called once before the first block, off the audio thread. Allocate buffers, open files and
    /// devices here. Audio thread: no.
    /// </summary>
    /// <param name="context">Sample rate (Hz), maximum block size (frames), resolved port channel counts.</param>
    /// <exception cref="NodeException">The node cannot run with these settings (the message says why).</exception>
    public virtual void Prepare(PrepareContext context)
    {
    }

    /// <summary>
    /// Processes one block: reads the node's inputs and writes all of its outputs for
    /// <see cref="ProcessContext.Frames"/> frames. Output buffers hold garbage on entry; a node must
    /// write every frame of every output channel. Audio thread: yes.
    /// </summary>
    /// <remarks>
    /// So that a plain DSP node's code (not a service, driver or decoupled node's) is compiled off the audio
    /// thread, the engine builds scratch instances of its type — from the node's parameters (each node a reload
    /// adds) or the type's defaults (once per type) — prepares them, runs Process a few times on their own
    /// buffers on a thread that is not the audio thread, and disposes them. They never join the graph, and the
    /// instance that goes live runs Process only on the audio thread, from the state Prepare left. A plain DSP
    /// node's constructor, Prepare and Process must therefore not act on anything outside the node (files,
    /// devices, sockets); nodes that do are service, driver or decoupled nodes.
    /// </remarks>
    public abstract void Process(in ProcessContext context);

    /// <summary>
    /// Offers new parameters while the node runs (after a graph file edit). Called off the audio thread.
    /// Return <see langword="true"/> when the node takes them live — typically by posting them to a
    /// <see cref="Parameters.ParameterMailbox{T}"/> that <see cref="Process"/> reads at the next block —
    /// or <see langword="false"/> to have the engine recreate the node. The default takes nothing live.
    /// </summary>
    /// <param name="parameters">The new, already validated parameters (same record type as at construction).</param>
    public virtual bool TryUpdateParameters(NodeParameters parameters) => false;

    /// <summary>Releases the node's resources. Called off the audio thread after the last block.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; <paramref name="disposing"/> is false when called from a finalizer.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
