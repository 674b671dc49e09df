using System.Diagnostics.Metrics;
using SyfalaGraph.Engine.Runtime;

namespace SyfalaGraph.Engine.Metrics;

/// <summary>
/// The runtime's instruments on the <c>SyfalaGraph</c> meter (System.Diagnostics.Metrics). All are observable:
/// the audio thread only writes plain counters in the cycle; a listener (dotnet-counters, an exporter, the
/// tests' MeterListener) pulls these values on its own thread.
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    /// <summary>The meter name shared by the engine and the plugins.</summary>
    public const string MeterName = "SyfalaGraph";

    private readonly Meter _meter;

    /// <summary>Creates the instruments for <paramref name="runtime"/>.</summary>
    /// <param name="runtime">The running graph.</param>
    /// <param name="factory">The host's meter factory, or null for an unscoped meter.</param>
    public EngineMetrics(GraphRuntime runtime, IMeterFactory? factory)
    {
        _meter = new Meter(new MeterOptions(MeterName) { Scope = factory });
        var graph = new KeyValuePair<string, object?>("graph", Path.GetFileName(runtime.Graph.Document.FilePath));
        _meter.CreateObservableCounter("syfalagraph.cycles", () => new Measurement<long>(runtime.Cycles, graph), "{block}", "Blocks processed");
        _meter.CreateObservableCounter("syfalagraph.frames", () => new Measurement<long>(runtime.FramesProcessed, graph), "{frame}", "Frames processed");
        _meter.CreateObservableCounter("syfalagraph.xruns", () => new Measurement<long>(runtime.Xruns, graph), "{xrun}", "Xruns reported by the driver");
        _meter.CreateObservableCounter("syfalagraph.node.faults", () => runtime.Slots.Select(s =>
            new Measurement<long>(s.Faults, graph, new KeyValuePair<string, object?>("node", s.Id))), "{fault}", "Exceptions caught from a node on the audio thread");
        _meter.CreateObservableGauge("syfalagraph.cycle.duration", () => new Measurement<double>(runtime.LastCycleMicroseconds, graph), "us", "Processing time of the last block");
        _meter.CreateObservableGauge("syfalagraph.cycle.duration.max", () => new Measurement<double>(runtime.MaxCycleMicroseconds, graph), "us", "Longest block processing time after warm-up");
        _meter.CreateObservableGauge("syfalagraph.cycle.load", () => new Measurement<double>(runtime.LastCycleMicroseconds / runtime.PeriodMicroseconds, graph), "1", "Last block's processing time over the period");
        _meter.CreateObservableCounter("syfalagraph.reloads", () => new Measurement<long>(runtime.Reloads, graph), "{reload}", "Graph reloads applied while running");
        _meter.CreateObservableGauge("syfalagraph.reload.duration", () => new Measurement<double>(runtime.LastReloadMilliseconds, graph), "ms", "Last reload, from Apply to the new schedule running");
        KeyValuePair<string, object?> Bridge(BridgeLink b) => new("bridge", b.Name);
        _meter.CreateObservableGauge("syfalagraph.bridge.fill", () => runtime.Bridges.Select(b =>
            new Measurement<double>(b.Bridge.FillFrames, graph, Bridge(b))), "{frame}", "Fill of a bridge between clock domains (held at its latency_frames)");
        _meter.CreateObservableGauge("syfalagraph.bridge.ratio", () => runtime.Bridges.Select(b =>
            new Measurement<double>(b.Bridge.RatioPpm, graph, Bridge(b))), "ppm", "Resampling ratio of a bridge minus 1: the measured clock drift");
        _meter.CreateObservableCounter("syfalagraph.bridge.underflows", () => runtime.Bridges.Select(b =>
            new Measurement<long>(b.Bridge.Underflows, graph, Bridge(b))), "{underflow}", "Bridge reads that found too little audio");
        _meter.CreateObservableCounter("syfalagraph.bridge.overflows", () => runtime.Bridges.Select(b =>
            new Measurement<long>(b.Bridge.Overflows, graph, Bridge(b))), "{overflow}", "Bridge writes dropped because the ring was full");
        _meter.CreateObservableCounter("syfalagraph.events.dropped", () => new Measurement<long>(runtime.EventsDropped, graph), "{event}", "Events dropped because the event queue was full");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
