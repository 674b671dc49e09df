using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Abstractions.Parameters;

/// <summary>
/// Base of every node's parameters record. The engine binds the YAML <c>params:</c> map to the record's
/// settable properties: a key is the property name in snake_case (<c>GainDb</c> ↔ <c>gain_db</c>).
/// Supported property types: bool, integers, float, double, string, enums (snake_case names),
/// nested records, arrays and <see cref="IReadOnlyList{T}"/> of these. Checks come from
/// <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/>,
/// <see cref="System.ComponentModel.DataAnnotations.RequiredAttribute"/> and <see cref="Validate"/>;
/// every failure is reported with the YAML file, line and column of the offending key.
/// </summary>
public abstract record NodeParameters
{
    /// <summary>
    /// Declares the node's audio ports for these parameter values. The default declares what a DSP node such as a gain
    /// has: one input <c>in</c> whose channel count follows the links into it (<see cref="ChannelCount.FromLinks"/>) and
    /// one output <c>out</c> with as many channels (<see cref="ChannelCount.SameAs"/> <c>in</c>).
    /// </summary>
    public virtual void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ports.Input("in", ChannelCount.FromLinks, "The signal in.")
            .Output("out", ChannelCount.SameAs("in"), "The signal out, as many channels as in.");
    }

    /// <summary>
    /// Checks that need several values at once. Return one error per problem; the engine positions each
    /// at the key it names (or at the node when <see cref="ParameterError.Parameter"/> is null).
    /// </summary>
    public virtual IEnumerable<ParameterError> Validate() => [];

    /// <summary>
    /// Checks that need the stream as well as the values (a file format that refuses this sample rate or this many
    /// channels). Called by <c>validate</c> for nodes whose domain's rate the graph file fixes (the engine's own clocks),
    /// and again by <c>run</c> for every node once the drivers have said their rates, before any node is prepared: a
    /// graph that would fail there is refused with positions and nothing is created. Errors are positioned as those of
    /// <see cref="Validate"/>. None by default. Audio thread: no.
    /// </summary>
    /// <param name="stream">The node's sample rate and channel counts.</param>
    public virtual IEnumerable<ParameterError> ValidateStream(StreamContext stream) => [];

    /// <summary>
    /// For a node type that can drive a clock domain (implements <c>IDriverNode</c>): whether a node with these
    /// values does. True by default; a transport that drives only when asked (<c>drive: true</c>) returns its
    /// parameter. A node that does not drive runs in another driver's domain like any node, and the engine never
    /// calls its <c>IDriverNode.Start</c>.
    /// </summary>
    public virtual bool DrivesClock => true;

    /// <summary>
    /// Whether a node with these values is a source that ends by itself (a <c>tone</c> with <c>duration_s</c>, a
    /// <c>file.reader</c> that does not loop): the same answer as <see cref="Nodes.IFiniteSource.IsFinite"/> of the
    /// node built from them, known before any node is built. False by default. An offline graph with no such node
    /// would render forever, so <c>validate</c> and <c>run</c> refuse it unless <c>--duration</c> is given.
    /// </summary>
    public virtual bool EndsByItself => false;
}
