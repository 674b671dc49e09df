namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>
/// A node whose outputs do not depend on its inputs of the same block: audio devices (capture →
/// outputs, inputs → playback) and network transports (received → outputs, inputs → sent).
/// The engine runs <see cref="AudioNode.Process"/> (write outputs) at the start of the block and
/// <see cref="ProcessSink"/> (consume inputs) after every node upstream of the inputs, so a graph may
/// route the node's outputs back into its own inputs without forming a cycle and without added latency.
/// </summary>
public interface IDecoupledNode
{
    /// <summary>
    /// Consumes the node's inputs for <see cref="ProcessContext.Frames"/> frames. Outputs must not be
    /// written here. Audio thread: yes (same real-time contract as <see cref="AudioNode.Process"/>).
    /// </summary>
    void ProcessSink(in ProcessContext context);
}
