using SyfalaGraph.Abstractions.Events;

namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>What <see cref="AudioNode.Prepare"/> is told: the stream settings and the resolved ports.</summary>
/// <param name="NodeId">The node's id in the graph file.</param>
/// <param name="SampleRate">The domain's sample rate in Hz.</param>
/// <param name="MaxBlockFrames">The largest block <see cref="AudioNode.Process"/> will be asked for, in frames.</param>
/// <param name="InputChannels">Channel count of each input port, in declaration order (inferred counts resolved).</param>
/// <param name="OutputChannels">Channel count of each output port, in declaration order.</param>
/// <param name="Events">The node's event writer, the same one every <see cref="ProcessContext"/> carries.</param>
/// <param name="Offline">True when the graph runs on the offline clock.</param>
public sealed record PrepareContext(
    string NodeId,
    double SampleRate,
    int MaxBlockFrames,
    IReadOnlyList<int> InputChannels,
    IReadOnlyList<int> OutputChannels,
    NodeEventWriter Events,
    bool Offline);
