using System.Globalization;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Tests.TestNodes;
using SyfalaGraph.Engine.Validation;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Engine.Tests.Runtime;

/// <summary>Several drivers, each with its own clock, bridged by ring bridges with adaptive resampling (DESIGN §4).</summary>
public class ClockDomainTests
{
    private static string TwoClocks(double ppmA, double ppmB, double seconds, string extra = "") => $$"""
        version: 1
        settings: { sample_rate: 48000, block_frames: 64, clock: a }
        nodes:
          a: { type: realtime.clock, params: { drift_ppm: {{ppmA.ToString(CultureInfo.InvariantCulture)}}, virtual_time: true } }
          b: { type: realtime.clock, params: { drift_ppm: {{ppmB.ToString(CultureInfo.InvariantCulture)}}, virtual_time: true } }
          tone_a: { type: tone, clock: a, params: { frequency_hz: 1000, amplitude: 0.5 } }
          tone_b: { type: tone, clock: b, params: { frequency_hz: 1000, amplitude: 0.5 } }
          probe_a: { type: test.tone_probe, clock: a, params: { measure_from_s: {{(seconds - 60).ToString(CultureInfo.InvariantCulture)}} } }
          probe_b: { type: test.tone_probe, clock: b, params: { measure_from_s: {{(seconds - 60).ToString(CultureInfo.InvariantCulture)}} } }
        {{extra}}
        links:
          - tone_a.out -> probe_b.in
          - tone_b.out -> probe_a.in
        """;

    private static void AssertNoSteadyStateAllocation(GraphRuntime runtime) =>
        Assert.All(runtime.Domains, d => AudioThreadAllocations.AssertNoSteadyStateAllocation(d.AudioThreadAllocatedBytes, d.AudioThreadAllocatingBlocks, "domain " + d.Domain.Name));

    [Fact]
    public void Validator_assigns_each_node_to_one_domain_and_bridges_the_links_between_them()
    {
        ValidatedGraph g = TestGraphs.Load(TwoClocks(200, -200, 100));
        Assert.Equal(["a", "b"], g.Domains.Select(d => d.Name));
        Assert.Equal("a", g.DomainOf(g.Find("tone_a")!).Name);
        Assert.Equal("b", g.DomainOf(g.Find("probe_b")!).Name);
        Assert.All(g.Links, l => Assert.True(g.IsBridged(l)));
    }

    [Fact]
    public void Nodes_follow_what_feeds_them_then_what_they_feed()
    {
        ValidatedGraph g = TestGraphs.Load("""
            version: 1
            settings: { clock: a }
            nodes:
              a: { type: realtime.clock }
              b: { type: realtime.clock }
              src: { type: tone, clock: b }
              fed: { type: gain }
              feeder: { type: tone }
              sink: { type: test.tone_probe, clock: a }
            links:
              - src.out -> fed.in
              - fed.out -> sink.in
              - feeder.out -> fed.in
            """);
        Assert.Equal("b", g.DomainOf(g.Find("fed")!).Name);    // downstream of src (b)
        Assert.Equal("b", g.DomainOf(g.Find("feeder")!).Name); // upstream of fed (b)
        Assert.True(g.IsBridged(g.Links.Single(l => l.Definition.ToString() == "fed.out -> sink.in")));
    }

    [Fact]
    public void Feedback_through_a_bridge_is_not_a_cycle()
    {
        ValidatedGraph g = TestGraphs.Load("""
            version: 1
            settings: { clock: a }
            nodes:
              a: { type: realtime.clock }
              b: { type: realtime.clock }
              t: { type: tone, clock: a }
              x: { type: gain, clock: a }
              y: { type: gain, clock: b }
            links:
              - t.out -> x.in
              - x.out -> y.in
              - y.out -> x.in
            """);
        Assert.Equal(2, g.Links.Count(g.IsBridged));
    }

    [Theory]
    [InlineData("settings: { clock: offline }\nnodes:\n  a: { type: realtime.clock }\n", "4:14: node 'a' is a driver with its own clock, but the graph is clocked 'offline'")]
    [InlineData("settings: { clock: a }\nnodes:\n  a: { type: realtime.clock }\n  t: { type: tone, clock: aa }\n", "5:27: node 't': clock 'aa' is not a driver node (did you mean 'a'?)")]
    [InlineData("settings: { clock: a }\nnodes:\n  a: { type: realtime.clock, clock: a }\n", "4:37: node 'a' is a driver")]
    [InlineData("settings: { clock: realtime }\nnodes:\n  t: { type: tone }\n  g: { type: gain }\nlinks:\n  - { link: t.out -> g.in, latency_frames: 512 }\n", "7:5: latency_frames, quality and jitter_buffer apply to a link between clock domains; t and g both run in domain 'realtime'")]
    [InlineData("settings: { clock: realtime }\nnodes:\n  t: { type: tone }\n  g: { type: gain }\nlinks:\n  - { link: t.out -> g.in, quality: best }\n", "7:37: quality must be low, medium or high")]
    [InlineData("settings: { clock: realtime }\nnodes:\n  t: { type: tone }\n  g: { type: gain }\nlinks:\n  - { link: t.out -> g.in, jitter_buffer: elastic }\n", "7:43: jitter_buffer must be fixed (hold latency_frames) or adaptive")]
    public void Domain_errors_are_precise(string body, string expected)
    {
        IReadOnlyList<SyfalaGraph.Engine.Graph.GraphError> errors = TestGraphs.Errors("version: 1\n" + body);
        Assert.Contains(errors, e => e.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Latency_below_the_minimum_is_refused_at_start_with_the_minimum()
    {
        ValidatedGraph g = TestGraphs.Load("""
            version: 1
            settings: { clock: a }
            nodes:
              a: { type: realtime.clock, params: { virtual_time: true } }
              b: { type: realtime.clock, params: { virtual_time: true } }
              t: { type: tone, clock: a }
              p: { type: test.tone_probe, clock: b }
            links:
              - { link: t.out -> p.in, latency_frames: 100 }
            """);
        using var services = TestGraphs.Services();
        var ex = Assert.Throws<GraphRuntimeException>(() => GraphRuntime.Create(g, services));
        Assert.Contains("latency_frames 100 is below the minimum of 146 frames", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>jitter_buffer: adaptive</c> on a link reaches its bridge (latency_frames its ceiling), and two drifting clocks
    /// linked that way run clean: the tone arrives at the sender's frequency, nothing under- or overflows, nothing is
    /// allocated. (The adaptive target's own behaviour is ClockBridgeTests'.)
    /// </summary>
    [Fact]
    public void An_adaptive_link_reaches_its_bridge_and_runs_clean()
    {
        const double Seconds = 90;
        ValidatedGraph g = TestGraphs.Load(TwoClocks(100, -100, Seconds)
            .Replace("  - tone_a.out -> probe_b.in", "  - { link: tone_a.out -> probe_b.in, latency_frames: 300, jitter_buffer: adaptive }", StringComparison.Ordinal));
        using var services = TestGraphs.Services();
        using var runtime = GraphRuntime.Create(g, services, new RuntimeOptions { DurationSeconds = Seconds });
        ClockBridge adaptive = runtime.Bridges.Single(b => b.Name.EndsWith("-> b", StringComparison.Ordinal)).Bridge;
        ClockBridge fixedBridge = runtime.Bridges.Single(b => b.Name.EndsWith("-> a", StringComparison.Ordinal)).Bridge;
        Assert.True(adaptive.AdaptiveLatency);
        Assert.Equal(300, adaptive.LatencyFrames);
        Assert.False(fixedBridge.AdaptiveLatency);
        runtime.Start();
        Assert.True(TestGraphs.WaitForEnd(runtime, 300), "the simulation did not finish in 5 min");
        var probe = (ToneProbeNode)runtime.GetNode("probe_b");
        double expected = 1000.0 / 48000 * (1 + 100e-6) / (1 - 100e-6);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"adaptive link: target {adaptive.TargetFrames:F1} (ceiling 300, fixed minimum {adaptive.MinimumLatencyFrames}); tone error {((probe.CyclesPerSample / expected) - 1) * 1e6:F3} ppm; " +
            $"underflows {adaptive.Underflows}, overflows {adaptive.Overflows}");
        Assert.Equal(0, adaptive.Underflows);
        Assert.Equal(0, adaptive.Overflows);
        Assert.InRange(adaptive.TargetFrames, adaptive.MinimumLatencyFrames - 64, adaptive.MinimumLatencyFrames + ClockBridge.AdaptiveMarginFrames);
        Assert.InRange(Math.Abs((probe.CyclesPerSample / expected) - 1), 0, 1e-5);
        AssertNoSteadyStateAllocation(runtime);
    }

    /// <summary>
    /// A domain whose driver has its own nominal rate (44.1 kHz, as a JACK server next to a 48 kHz device) runs at it;
    /// the bridges convert the rate and follow the drift: each side receives the other's 1 kHz tone at 1 kHz (× the
    /// clocks' ratio) in its own samples, clean, with no under- or overflow.
    /// </summary>
    [Fact]
    public void A_domain_at_another_nominal_rate_is_bridged_with_rate_conversion()
    {
        const double Seconds = 120;
        ValidatedGraph g = TestGraphs.Load(TwoClocks(100, -100, Seconds)
            .Replace("drift_ppm: -100,", "drift_ppm: -100, sample_rate: 44100,", StringComparison.Ordinal));
        using var services = TestGraphs.Services();
        using var runtime = GraphRuntime.Create(g, services, new RuntimeOptions { DurationSeconds = Seconds });
        Assert.Equal([48000.0, 44100.0], runtime.Domains.Select(d => d.SampleRate));
        Assert.Equal(48000, runtime.SampleRate);
        runtime.Start();
        Assert.True(TestGraphs.WaitForEnd(runtime, 300), "the simulation did not finish in 5 min");
        foreach ((string probe, double senderPpm, double receiverPpm, double receiverRate) in new[] { ("probe_b", 100.0, -100.0, 44100.0), ("probe_a", -100.0, 100.0, 48000.0) })
        {
            var node = (ToneProbeNode)runtime.GetNode(probe);
            BridgeLink bridge = runtime.Bridges.Single(b => b.Name.EndsWith("-> " + probe[^1], StringComparison.Ordinal));
            double expected = 1000.0 / receiverRate * (1 + (senderPpm * 1e-6)) / (1 + (receiverPpm * 1e-6));
            double relativeError = (node.CyclesPerSample / expected) - 1;
            double thd = ToneAnalysis.ThdPlusNoiseDb(node.Tail(), node.CyclesPerSample);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{bridge.Name} ({bridge.Bridge.ProducerSampleRate} -> {bridge.Bridge.SampleRate} Hz): tone {node.CyclesPerSample * receiverRate:F5} Hz (error {relativeError * 1e6:F3} ppm); " +
                $"THD+N {thd:F1} dB; fill {bridge.Bridge.FillFrames:F2} (target {bridge.Bridge.LatencyFrames}); drift {bridge.Bridge.RatioPpm:F3} ppm; underflows {bridge.Bridge.Underflows}; overflows {bridge.Bridge.Overflows}");
            Assert.Equal(receiverRate, bridge.Bridge.SampleRate);
            Assert.Equal(0, bridge.Bridge.Underflows);
            Assert.Equal(0, bridge.Bridge.Overflows);
            Assert.InRange(Math.Abs(relativeError), 0, 1e-5);
            Assert.InRange(thd, -200, -90);
        }

        AssertNoSteadyStateAllocation(runtime);
    }

    /// <summary>
    /// The acceptance run: two clocks 400 ppm apart (+200 and −200 ppm against nominal), linked both ways,
    /// 4 simulated hours. Nothing underflows or overflows, the fill ends at its target, both far sides get the
    /// tone at exactly the sender's frequency (1 kHz on the sender's clock), THD+N below −90 dB, and neither
    /// side allocates after warm-up.
    /// </summary>
    [Fact]
    public void Two_drifting_clocks_linked_both_ways_run_four_simulated_hours_without_xruns()
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("SYFALAGRAPH_DRIFT_SECONDS"), CultureInfo.InvariantCulture, out double s) ? s : 4 * 3600;
        ValidatedGraph g = TestGraphs.Load(TwoClocks(200, -200, seconds));
        using var services = TestGraphs.Services();
        using var runtime = GraphRuntime.Create(g, services, new RuntimeOptions { DurationSeconds = seconds });
        var started = System.Diagnostics.Stopwatch.StartNew();
        runtime.Start();
        Assert.True(TestGraphs.WaitForEnd(runtime, 1200), "the simulation did not finish in 20 min");
        double wall = started.Elapsed.TotalSeconds;
        foreach ((string probe, double senderPpm, double receiverPpm) in new[] { ("probe_b", 200.0, -200.0), ("probe_a", -200.0, 200.0) })
        {
            var node = (ToneProbeNode)runtime.GetNode(probe);
            BridgeLink bridge = runtime.Bridges.Single(b => b.Name.EndsWith("-> " + probe[^1], StringComparison.Ordinal));
            // Received in the receiver's samples, the tone is 1 kHz × (sender rate / receiver rate).
            double expected = 1000.0 / 48000 * (1 + (senderPpm * 1e-6)) / (1 + (receiverPpm * 1e-6));
            double relativeError = (node.CyclesPerSample / expected) - 1;
            double thd = ToneAnalysis.ThdPlusNoiseDb(node.Tail(), node.CyclesPerSample);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{bridge.Name}: {seconds / 3600:F2} h simulated in {wall:F0} s; tone {node.CyclesPerSample * 48000:F5} Hz (error {relativeError * 1e6:F3} ppm vs the sender's 1 kHz); " +
                $"THD+N {thd:F1} dB; fill {bridge.Bridge.FillFrames:F2} (target {bridge.Bridge.LatencyFrames}); ratio {bridge.Bridge.RatioPpm:F3} ppm; underflows {bridge.Bridge.Underflows}; overflows {bridge.Bridge.Overflows}");
            Assert.Equal(0, bridge.Bridge.Underflows);
            Assert.Equal(0, bridge.Bridge.Overflows);
            Assert.InRange(bridge.Bridge.FillFrames, bridge.Bridge.LatencyFrames - 64, bridge.Bridge.LatencyFrames + 64);
            Assert.InRange(Math.Abs(relativeError), 0, 1e-4);
            Assert.InRange(thd, -200, -90);
        }

        AssertNoSteadyStateAllocation(runtime);

        Assert.Equal(0, runtime.Xruns);
    }
}
