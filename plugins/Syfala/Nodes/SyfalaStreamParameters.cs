using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// One stream's format in a node's <c>inputs</c> / <c>outputs</c> list (the wire's <c>Format</c> without the sample
/// rate, which is the graph's). The node declares one graph port per stream with <see cref="Channels"/> channels.
/// </summary>
public sealed record SyfalaStreamParameters
{
    /// <summary>Interleaved channels per frame on the wire (and channels of the graph port).</summary>
    [Range(1, 1_000_000)]
    [Description("Channels of the stream (and of its graph port).")]
    public int Channels { get; init; } = 2;

    /// <summary>Wire sample encoding (u8 … u64, i8 … i64, f32, f64).</summary>
    [Description("Wire sample type: u8, u16, u24, u32, u64, i8, i16, i24, i32, i64, f32 or f64.")]
    public SampleType SampleType { get; init; } = SampleType.F32;

    /// <summary>Advisory block size in frames sent in the Connect message (0 = not given).</summary>
    [Unit("frames")]
    [Range(0, 1 << 20)]
    [Description("Advisory buffer size in frames advertised on the wire (0 = not given).")]
    public int BufferFrames { get; init; } = 32;
}
