using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>Port layout and the cross-parameter checks of both nodes.</summary>
public sealed class ParameterTests
{
    private static readonly SyfalaStreamParameters Mono = new() { Channels = 1 };
    private static readonly SyfalaStreamParameters Stereo = new() { Channels = 2, SampleType = SampleType.I24 };

    private static string[] Errors(NodeParameters p) => p.Validate().Select(e => $"{e.Parameter}: {e.Message}").ToArray();

    [Fact]
    public void Ports_are_in_and_out_for_one_stream_and_numbered_for_several_mirrored_between_server_and_client()
    {
        var server = new PortLayout();
        new SyfalaServerParameters { Inputs = [Stereo], Outputs = [Mono, Stereo] }.DeclarePorts(server);
        Assert.Equal(["in"], server.Inputs.Select(p => p.Name));
        Assert.Equal([2], server.Inputs.Select(p => p.Channels.Count));
        Assert.Equal(["out0", "out1"], server.Outputs.Select(p => p.Name));
        var client = new PortLayout();
        new SyfalaClientParameters { Server = "h:1", Inputs = [Stereo], Outputs = [Mono, Stereo] }.DeclarePorts(client);
        Assert.Equal(["in0", "in1"], client.Inputs.Select(p => p.Name)); // it sends the server's outputs
        Assert.Equal([1, 2], client.Inputs.Select(p => p.Channels.Count));
        Assert.Equal(["out"], client.Outputs.Select(p => p.Name));
    }

    [Fact]
    public void Defaults_are_valid_once_a_stream_and_a_server_are_given()
    {
        Assert.Empty(Errors(new SyfalaServerParameters { Outputs = [Mono] }));
        Assert.Empty(Errors(new SyfalaClientParameters { Server = "127.0.0.1:6910", Outputs = [Mono] }));
        Assert.Empty(Errors(new SyfalaClientParameters { Discover = true, Outputs = [Mono] }));
    }

    [Theory]
    [InlineData("inputs: no streams")]
    public void A_node_without_streams_is_an_error(string expected)
    {
        Assert.Contains(Errors(new SyfalaServerParameters()), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Server_checks_the_admission_policy()
    {
        var p = new SyfalaServerParameters { Outputs = [Mono] };
        Assert.Equal((5000, 4, SyfalaTakeover.Idle), (p.IdleTimeoutMs, p.MaxClientsPerAddress, p.Takeover));
        Assert.Contains(Errors(p with { IdleTimeoutMs = 600 }), e => e.StartsWith("idle_timeout_ms: idle_timeout_ms (600) must be longer than timeout_ms (600)", StringComparison.Ordinal));
        Assert.Contains(Errors(p with { IdleTimeoutMs = 0 }), e => e.StartsWith("takeover: takeover: idle needs idle_timeout_ms > 0", StringComparison.Ordinal));
        Assert.Empty(Errors(p with { IdleTimeoutMs = 0, Takeover = SyfalaTakeover.Refuse }));
        Assert.Empty(Errors(p with { Takeover = SyfalaTakeover.Newest, MaxClientsPerAddress = 1 }));
        Assert.Contains(Errors(p with { Takeover = (SyfalaTakeover)7 }), e => e.StartsWith("takeover:", StringComparison.Ordinal));
    }

    [Fact]
    public void Server_checks_bind_allow_and_limits()
    {
        Assert.Contains(Errors(new SyfalaServerParameters { Outputs = [Mono], Bind = "localhost:6910" }), e => e.StartsWith("bind: 'localhost' is not an IP address", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaServerParameters { Outputs = [Mono], Bind = "0.0.0.0" }), e => e.StartsWith("bind:", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaServerParameters { Outputs = [Mono], Allow = ["10.0.0.0/33"] }), e => e.StartsWith("allow: '10.0.0.0/33'", StringComparison.Ordinal));
        Assert.Empty(Errors(new SyfalaServerParameters { Outputs = [Mono], Allow = ["10.0.0.0/8", "::1", "192.168.1.7"] }));
        Assert.Contains(Errors(new SyfalaServerParameters { Outputs = [new() { Channels = 2000 }] }), e => e.Contains("more than max_channels (1024)", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaServerParameters { Outputs = [.. Enumerable.Repeat(Mono, 65)] }), e => e.Contains("more than max_streams (64)", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaServerParameters { Outputs = [Mono], HeartbeatMs = 600 }), e => e.StartsWith("heartbeat_ms:", StringComparison.Ordinal));
    }

    [Fact]
    public void Client_needs_a_server_address_unless_it_discovers_and_tcp_needs_an_address()
    {
        Assert.Contains(Errors(new SyfalaClientParameters { Outputs = [Mono] }), e => e.StartsWith("server: give the server's host:port", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaClientParameters { Outputs = [Mono], Server = "host" }), e => e.StartsWith("server: 'host' is not host:port", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaClientParameters { Outputs = [Mono], Server = "host:0" }), e => e.StartsWith("server: the server's port cannot be 0", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaClientParameters { Outputs = [Mono], Server = "::1:6910" }), e => e.Contains("[address]:port", StringComparison.Ordinal));
        Assert.Empty(Errors(new SyfalaClientParameters { Outputs = [Mono], Server = "[::1]:6910" }));
        Assert.Contains(Errors(new SyfalaClientParameters { Outputs = [Mono], Discover = true, Control = SyfalaControlTransport.Tcp }), e => e.StartsWith("control:", StringComparison.Ordinal));
    }

    [Fact]
    public void Resample_needs_drift_compensation_and_excludes_drive()
    {
        Assert.Empty(Errors(new SyfalaClientParameters { Outputs = [Mono], Server = "h:1", Resample = true }));
        Assert.Contains(Errors(new SyfalaClientParameters { Outputs = [Mono], Server = "h:1", Resample = true, DriftCompensation = false }),
            e => e.StartsWith("resample: resample: true needs drift_compensation: true", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaClientParameters { Outputs = [Mono], Server = "h:1", Resample = true, Drive = true }),
            e => e.StartsWith("resample: resample: true cannot be combined with drive: true", StringComparison.Ordinal));
    }

    [Fact]
    public void Latency_below_the_jitter_buffers_least_is_refused_with_the_minimum_and_how_to_lower_it()
    {
        // Medium: 64 + 64 + 16 + 2 = 146 frames for 64-frame blocks; low: 8 frames less look-ahead.
        var medium = new SyfalaServerParameters { Outputs = [Mono], LatencyFrames = 145 };
        NodeException e = Assert.Throws<NodeException>(() => AudioPath.CheckLatency(medium, 64, 1));
        Assert.Contains("latency_frames 145 is below", e.Message, StringComparison.Ordinal);
        Assert.Contains("medium quality: 146 frames", e.Message, StringComparison.Ordinal);
        Assert.Contains("quality: low (138)", e.Message, StringComparison.Ordinal);
        AudioPath.CheckLatency(medium with { LatencyFrames = 146 }, 64, 1);

        var low = new SyfalaClientParameters { Server = "h:1", Outputs = [Mono], LatencyFrames = 137, Quality = ResamplerQuality.Low };
        e = Assert.Throws<NodeException>(() => AudioPath.CheckLatency(low, 64, 1));
        Assert.Contains("low quality: 138 frames", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("quality: low (", e.Message, StringComparison.Ordinal);
        AudioPath.CheckLatency(low with { LatencyFrames = 138 }, 64, 1);

        // A plain buffer (no resampler) and a driven domain have no such floor.
        AudioPath.CheckLatency(medium with { LatencyFrames = 64, DriftCompensation = false }, 64, 1);
        AudioPath.CheckLatency(medium with { LatencyFrames = 64, Drive = true }, 64, 1);

        // A node that only sends has no jitter buffer; without latency_frames, the default follows the block size.
        AudioPath.CheckLatency(medium, 64, receivedStreams: 0);
        Assert.Equal(512, new SyfalaServerParameters().LatencyFramesFor(64));
        Assert.Equal(786, new SyfalaServerParameters().LatencyFramesFor(256));
        AudioPath.CheckLatency(new SyfalaServerParameters { Outputs = [Mono] }, 256, 1);
    }

    [Fact]
    public void The_quality_reaches_the_jitter_buffers_resampler()
    {
        var buffer = new ReceiveBuffer(1, targetFrames: 138, maxBlockFrames: 64, sampleRate: 48000, driftCompensation: true, ResamplerQuality.Low);
        Assert.Equal(ResamplerQuality.Low, buffer.Bridge!.Quality);
        Assert.Equal(138, buffer.Bridge.MinimumLatencyFrames);
        Assert.Equal(ResamplerQuality.Medium, new SyfalaServerParameters().Quality);
    }

    [Fact]
    public void An_adaptive_jitter_buffer_needs_drift_compensation_and_reaches_the_bridge()
    {
        Assert.Empty(Errors(new SyfalaServerParameters { Outputs = [Mono], JitterBuffer = "adaptive" }));
        Assert.Contains(Errors(new SyfalaServerParameters { Outputs = [Mono], JitterBuffer = "elastic" }), e => e.StartsWith("jitter_buffer: jitter_buffer is 'elastic'", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaServerParameters { Outputs = [Mono], JitterBuffer = "adaptive", DriftCompensation = false }), e => e.StartsWith("jitter_buffer: jitter_buffer: adaptive needs drift_compensation", StringComparison.Ordinal));
        Assert.Contains(Errors(new SyfalaClientParameters { Server = "h:1", Outputs = [Mono], JitterBuffer = "adaptive", Drive = true }), e => e.StartsWith("jitter_buffer:", StringComparison.Ordinal));

        // The adaptive bridge starts at the worst phase (what a read needs + 8 + a block) under its ceiling, latency_frames.
        var buffer = new ReceiveBuffer(1, targetFrames: 210, maxBlockFrames: 64, sampleRate: 48000, driftCompensation: true, adaptiveLatency: true);
        Assert.True(buffer.Bridge!.AdaptiveLatency);
        Assert.Equal(146 + ClockBridge.AdaptiveMarginFrames, buffer.CurrentTargetFrames);
        Assert.Equal(210, new ReceiveBuffer(1, 210, 64, 48000, driftCompensation: true).CurrentTargetFrames);
    }
}
