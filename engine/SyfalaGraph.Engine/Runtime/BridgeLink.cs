using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Clocking;

namespace SyfalaGraph.Engine.Runtime;

/// <summary>
/// A ring bridge between two clock domains: carries one output port of a node in the producer domain to the
/// consumer domain, resampled to follow the consumer's clock (<see cref="ClockBridge"/>). Every link from
/// that port into that domain reads the bridge's buffer.
/// </summary>
public sealed class BridgeLink
{
    internal BridgeLink(string name, string key, ClockBridge bridge, int producerDomain, int consumerDomain, int consumerBlockFrames)
    {
        Name = name;
        Key = key;
        Bridge = bridge;
        ProducerDomain = producerDomain;
        ConsumerDomain = consumerDomain;
        Output = new AudioBuffer(bridge.Channels, consumerBlockFrames);
    }

    /// <summary>What the bridge carries, e.g. <c>tone.out -> b</c> (source port, then the consumer domain).</summary>
    public string Name { get; }

    /// <summary>The bridge (fill, ratio, underflows, overflows).</summary>
    public ClockBridge Bridge { get; }

    /// <summary>Index of the domain that writes it.</summary>
    public int ProducerDomain { get; }

    /// <summary>Index of the domain that reads it.</summary>
    public int ConsumerDomain { get; }

    /// <summary>Identity across reloads: same source port, same consumer domain, same channels and options.</summary>
    internal string Key { get; }

    /// <summary>The consumer side's buffer (channels x consumer block, planar), read once per consumer block.</summary>
    internal AudioBuffer Output { get; }
}
