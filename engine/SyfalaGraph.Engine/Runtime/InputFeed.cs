using SyfalaGraph.Abstractions.Buffers;

namespace SyfalaGraph.Engine.Runtime;

/// <summary>One channel added into an input buffer before its node runs (several links into one input are summed).</summary>
/// <param name="Source">The upstream output buffer.</param>
/// <param name="SourceChannel">Channel read from <paramref name="Source"/>.</param>
/// <param name="DestinationChannel">Channel of the input buffer it is added to.</param>
internal readonly record struct InputFeed(AudioBuffer Source, int SourceChannel, int DestinationChannel);
