namespace SyfalaGraph.Abstractions.Parameters;

/// <summary>
/// The stream a node will process, as far as the graph fixes it before any node runs: its clock domain's sample rate
/// and its ports' channel counts (resolved from the links). Given to <see cref="NodeParameters.ValidateStream"/>.
/// </summary>
/// <param name="SampleRate">The node's clock domain's sample rate, Hz.</param>
/// <param name="InputChannels">Channels of each input port, in declaration order.</param>
/// <param name="OutputChannels">Channels of each output port, in declaration order.</param>
public sealed record StreamContext(double SampleRate, IReadOnlyList<int> InputChannels, IReadOnlyList<int> OutputChannels);
