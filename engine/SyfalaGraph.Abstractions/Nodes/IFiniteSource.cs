namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>
/// A source that ends (a file that does not loop, a tone with a duration). A graph that starts with one
/// ends, offline or in real time, once every finite source it runs has ended; one that starts without
/// any is not ended by a finite source a reload adds (README, "When a graph ends").
/// </summary>
public interface IFiniteSource
{
    /// <summary>
    /// False when this instance does not end after all (a tone without a duration, a looping file): the
    /// engine then ignores it when deciding whether the graph has ended. Fixed from construction on, and equal to
    /// <see cref="Parameters.NodeParameters.EndsByItself"/> of the node's parameters (which validation reads).
    /// </summary>
    bool IsFinite => true;

    /// <summary>
    /// True once the node has output its last frame (it outputs silence from then on).
    /// Read from any thread; written by the audio thread.
    /// </summary>
    bool HasEnded { get; }

    /// <summary>Length of the source at the graph's sample rate, in frames, when known (for progress display).</summary>
    long? LengthFrames { get; }
}
