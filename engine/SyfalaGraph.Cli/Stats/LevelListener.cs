using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SyfalaGraph.Cli.Stats;

/// <summary>
/// Collects the level gauges of the running graph's nodes for <c>run --stats</c>: every observable gauge in unit
/// <c>dBFS</c> with tags <c>node</c> and <c>channel</c>, whatever plugin publishes it (the Core plugin's <c>meter</c>
/// publishes <c>syfalagraph.meter.peak</c> and <c>syfalagraph.meter.rms</c>). A gauge whose name ends in <c>.peak</c> is
/// a peak level, one ending in <c>.rms</c> an RMS level. Read through a <see cref="MeterListener"/> once per
/// <see cref="Collect"/>, off the audio thread (the gauges read values the audio thread published).
/// </summary>
internal sealed class LevelListener : IDisposable
{
    /// <summary>How long the peak hold keeps the highest peak before it follows the signal again, in seconds.</summary>
    public const double PeakHoldSeconds = 2.0;

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Node, int Channel), Level> _levels = new();

    public LevelListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Unit == "dBFS" && (instrument.Name.EndsWith(".peak", StringComparison.Ordinal) || instrument.Name.EndsWith(".rms", StringComparison.Ordinal)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>A channel's levels in dBFS: the last window's peak and RMS, and the peak held over <see cref="PeakHoldSeconds"/>.</summary>
    internal sealed class Level
    {
        public double PeakDb { get; set; } = double.NegativeInfinity;
        public double RmsDb { get; set; } = double.NegativeInfinity;
        public double HoldDb { get; set; } = double.NegativeInfinity;
        public double HoldSince { get; set; }
        public double SeenAt { get; set; }
    }

    /// <summary>
    /// Reads every level gauge now and returns the channels seen in this reading, by node then channel; a channel not
    /// seen (its node was removed by a reload) is dropped. <paramref name="nowSeconds"/> drives the peak hold.
    /// </summary>
    public IReadOnlyList<(string Node, int Channel, Level Level)> Collect(double nowSeconds)
    {
        _now = nowSeconds;
        _listener.RecordObservableInstruments();
        foreach (var key in _levels.Where(p => p.Value.SeenAt != nowSeconds).Select(p => p.Key).ToList())
        {
            _levels.TryRemove(key, out _);
        }

        return _levels.OrderBy(p => p.Key.Node, StringComparer.Ordinal).ThenBy(p => p.Key.Channel)
            .Select(p => (p.Key.Node, p.Key.Channel, p.Value)).ToList();
    }

    public void Dispose() => _listener.Dispose();

    private double _now;

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? node = null;
        int channel = -1;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == "node")
            {
                node = tag.Value as string;
            }
            else if (tag.Key == "channel" && tag.Value is int c)
            {
                channel = c;
            }
        }

        if (node is null || channel < 0)
        {
            return;
        }

        Level level = _levels.GetOrAdd((node, channel), _ => new Level());
        level.SeenAt = _now;
        if (instrument.Name.EndsWith(".rms", StringComparison.Ordinal))
        {
            level.RmsDb = value;
            return;
        }

        level.PeakDb = value;
        if (value >= level.HoldDb || _now - level.HoldSince > PeakHoldSeconds)
        {
            level.HoldDb = value;
            level.HoldSince = _now;
        }
    }
}
