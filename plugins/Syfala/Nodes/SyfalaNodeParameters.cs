using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>
/// Parameters shared by <c>syfala.server</c> and <c>syfala.client</c>: the server's stream formats (both nodes list
/// them in the server's terms), liveness, jitter buffer, datagram size, limits and chaos.
/// </summary>
/// <remarks>
/// <para>Port layout (the same rule on both nodes; a node's graph inputs are what it sends, its outputs what it
/// receives). Server: input port per entry of <see cref="Inputs"/> (the streams it sends), output port per entry of
/// <see cref="Outputs"/> (the streams it receives). Client: input port per entry of <see cref="Outputs"/> (it sends the
/// server's outputs), output port per entry of <see cref="Inputs"/>. Ports are named <c>in</c> / <c>out</c> when there
/// is one stream in that direction, otherwise <c>in0</c>, <c>in1</c> … / <c>out0</c>, <c>out1</c> … in list order.</para>
/// </remarks>
public abstract record SyfalaNodeParameters : NodeParameters
{
    /// <summary>Streams the server sends to the client (server → client), in the server's terms.</summary>
    [Description("Streams the server sends to the client (the server's 'inputs', e.g. its ADCs): list of {channels, sample_type, buffer_frames}.")]
    public IReadOnlyList<SyfalaStreamParameters> Inputs { get; init; } = [];

    /// <summary>Streams the client sends to the server (client → server), in the server's terms.</summary>
    [Description("Streams the client sends to the server (the server's 'outputs', e.g. its DACs): list of {channels, sample_type, buffer_frames}.")]
    public IReadOnlyList<SyfalaStreamParameters> Outputs { get; init; } = [];

    /// <summary>Interval between heartbeats sent to the peer, in ms.</summary>
    [Unit("ms")]
    [Range(5, 60_000)]
    [Description("Interval between heartbeats, ms.")]
    public int HeartbeatMs { get; init; } = 100;

    /// <summary>A peer silent for this long (no valid datagram) is dropped, in ms.</summary>
    [Unit("ms")]
    [Range(20, 600_000)]
    [Description("A peer silent this long is dropped (and reconnected), ms.")]
    public int TimeoutMs { get; init; } = 600;

    /// <summary>
    /// Jitter-buffer target depth in frames: playback of received audio starts once this much is buffered, and with
    /// <see cref="DriftCompensation"/> the fill is held there (at least two blocks plus the resampler's look-ahead and 2
    /// frames: 146 frames for 64-frame blocks at medium <see cref="Quality"/>, 138 at low). Not given: 512, or the
    /// drift-following jitter buffer's default (its least plus one block) where that is more — 786 at 256-frame blocks.
    /// </summary>
    [Unit("frames")]
    [Range(1, 1 << 20)]
    [Description("Jitter-buffer target depth of received audio, frames (default 512, or the least plus one block where that is more).")]
    public int? LatencyFrames { get; init; }

    /// <summary>The jitter-buffer depth for <paramref name="blockFrames"/>-frame blocks: <see cref="LatencyFrames"/>, or its default.</summary>
    internal int LatencyFramesFor(int blockFrames) =>
        LatencyFrames ?? (DriftCompensation && !Drive ? Math.Max(512, ClockBridge.DefaultLatency(blockFrames, blockFrames, Quality)) : 512);

    /// <summary>
    /// Follow the peer's clock: received audio goes through a clock bridge whose resampler holds the jitter buffer
    /// at <see cref="LatencyFrames"/> however far the two clocks drift apart (THD+N below −100 dB). Off, received
    /// samples arrive bit-exact and the buffer keeps whatever fill it started with (peers sharing one clock).
    /// </summary>
    [Description("Follow the peer's clock by adaptive resampling so the jitter buffer stays at latency_frames over hours; false = bit-exact samples, no drift correction (peers on one clock).")]
    public bool DriftCompensation { get; init; } = true;

    /// <summary>
    /// Interpolation filter of the drift-following jitter buffer's resampler (<see cref="ResamplerQuality"/>): low (16 taps,
    /// passband to 16 kHz at 48 kHz, images below −80 dB, 8 frames of look-ahead), medium (32 taps, 19 kHz, −100 dB, 16
    /// frames) or high (64 taps, 21 kHz, −120 dB, 32 frames). The look-ahead is part of the least
    /// <see cref="LatencyFrames"/>.
    /// </summary>
    [Description("Resampler filter of the drift-following jitter buffer: low (16 taps, 8 frames of look-ahead), medium (32, 16) or high (64, 32); less look-ahead allows a lower latency_frames.")]
    public ResamplerQuality Quality { get; init; } = ResamplerQuality.Medium;

    /// <summary>
    /// How the drift-following jitter buffer sets its depth: <c>fixed</c> holds <see cref="LatencyFrames"/>, which covers
    /// the worst phase between arrivals and reads; <c>adaptive</c> holds the least depth the arrival timing seen lately
    /// allows — a block plus the resampler's look-ahead plus the depth reads have shown (how far the frames a read
    /// finds fall below the mean: the arrival-to-read time, more for arrivals in bursts), peak-held — with
    /// <see cref="LatencyFrames"/> as its ceiling (<see cref="ClockBridgeOptions.AdaptiveLatency"/>). Adaptive saves up to
    /// a block per direction when the peers' clocks stay within a few ppm; an arrival delayed past a read then costs
    /// one underflow. Needs <see cref="DriftCompensation"/>.
    /// </summary>
    [Description("Jitter-buffer depth: 'fixed' (latency_frames, safe at any phase) or 'adaptive' (the least the arrival timing seen lately allows, latency_frames at most; a delayed arrival costs an underflow; needs drift_compensation).")]
    public string JitterBuffer { get; init; } = "fixed";

    /// <summary>True when <see cref="JitterBuffer"/> is <c>adaptive</c>.</summary>
    internal bool AdaptiveJitterBuffer => JitterBuffer.Equals("adaptive", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Drive this node's clock domain from the peer's audio: the graph runs a block each time a block has arrived
    /// (no resampling, one block of buffering), freewheeling at the nominal rate while nothing arrives. The node
    /// then names the domain (<c>settings.clock: &lt;id&gt;</c> or <c>clock: &lt;id&gt;</c> on nodes).
    /// </summary>
    [Description("Drive this node's clock domain from the arriving audio: a block runs each time a block has arrived (no resampling); freewheels while nothing arrives.")]
    public bool Drive { get; init; }

    /// <inheritdoc />
    public override bool DrivesClock => Drive;

    /// <summary>How control messages travel.</summary>
    [Description("Control messages over 'udp' (reference-compatible) or 'tcp' (COBS-framed); audio is always UDP.")]
    public SyfalaControlTransport Control { get; init; } = SyfalaControlTransport.Udp;

    /// <summary>Largest datagram sent, header included, in bytes (1472 = an Ethernet MTU minus IP and UDP headers).</summary>
    [Unit("bytes")]
    [Range(AudioMessageHeader.EncodedLength + 8, 65_507)]
    [Description("Largest UDP datagram sent, bytes (header included).")]
    public int MaxDatagramBytes { get; init; } = 1472;

    /// <summary>Largest channel count accepted in a format (ours or a peer's).</summary>
    [Range(1, 65_536)]
    [Description("Largest channel count accepted in a stream format.")]
    public int MaxChannels { get; init; } = 1024;

    /// <summary>Largest number of streams per direction accepted.</summary>
    [Range(1, 4096)]
    [Description("Largest number of streams per direction accepted.")]
    public int MaxStreams { get; init; } = 64;

    /// <summary>Largest sample rate accepted from a peer, in Hz.</summary>
    [Unit("Hz")]
    [Range(1.0, 10_000_000.0)]
    [Description("Largest sample rate accepted in a peer's formats, Hz.")]
    public double MaxSampleRate { get; init; } = 768_000;

    /// <summary>Impairments applied to the audio datagrams this node sends.</summary>
    [Description("Network impairments on the audio this node sends: loss_pct, delay_ms, jitter_ms, reorder_pct, duplicate_pct, corrupt_pct, seed.")]
    public SyfalaChaosParameters Chaos { get; init; } = new();

    /// <summary>The decoder limits these parameters describe.</summary>
    internal SyfalaLimits Limits => new() { MaxChannels = (uint)MaxChannels, MaxStreams = MaxStreams, MaxSampleRate = MaxSampleRate };

    /// <summary>Port name for stream <paramref name="index"/> of <paramref name="count"/>: <c>in</c> or <c>in0</c>, <c>in1</c>….</summary>
    internal static string PortName(string prefix, int index, int count) =>
        count == 1 ? prefix : prefix + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Declares one port per stream: inputs from <paramref name="sent"/>, outputs from <paramref name="received"/>.</summary>
    internal static void DeclareStreamPorts(PortLayout ports, IReadOnlyList<SyfalaStreamParameters> sent, IReadOnlyList<SyfalaStreamParameters> received)
    {
        ArgumentNullException.ThrowIfNull(ports);
        for (int i = 0; i < sent.Count; i++)
        {
            ports.Input(PortName("in", i, sent.Count), ChannelCount.Fixed(Math.Max(1, sent[i].Channels)), $"Stream {i} sent to the peer.");
        }

        for (int i = 0; i < received.Count; i++)
        {
            ports.Output(PortName("out", i, received.Count), ChannelCount.Fixed(Math.Max(1, received[i].Channels)), $"Stream {i} received from the peer (silence until it arrives).");
        }
    }

    /// <inheritdoc/>
    public override IEnumerable<ParameterError> Validate()
    {
        if (Inputs.Count + Outputs.Count == 0)
        {
            yield return new ParameterError("inputs", "no streams: give at least one format in 'inputs' or 'outputs'");
        }

        foreach ((string key, IReadOnlyList<SyfalaStreamParameters> list) in new[] { ("inputs", Inputs), ("outputs", Outputs) })
        {
            if (list.Count > MaxStreams)
            {
                yield return new ParameterError(key, $"{list.Count} streams is more than max_streams ({MaxStreams})");
            }

            for (int i = 0; i < list.Count; i++)
            {
                if (list[i].Channels > MaxChannels)
                {
                    yield return new ParameterError(key, $"stream {i} has {list[i].Channels} channels, more than max_channels ({MaxChannels})");
                }
            }
        }

        if (!AdaptiveJitterBuffer && !JitterBuffer.Equals("fixed", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ParameterError("jitter_buffer", $"jitter_buffer is '{JitterBuffer}': use 'fixed' (hold latency_frames) or 'adaptive' (the least the arrival timing allows)");
        }
        else if (AdaptiveJitterBuffer && (!DriftCompensation || Drive))
        {
            yield return new ParameterError("jitter_buffer", "jitter_buffer: adaptive needs drift_compensation: true and no drive: true (it sets the depth the resampling jitter buffer holds)");
        }

        if (HeartbeatMs >= TimeoutMs)
        {
            yield return new ParameterError("heartbeat_ms", $"heartbeat_ms ({HeartbeatMs}) must be shorter than timeout_ms ({TimeoutMs})");
        }
    }
}
