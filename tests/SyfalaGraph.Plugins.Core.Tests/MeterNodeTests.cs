using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace SyfalaGraph.Plugins.Core.Tests;

public sealed class MeterNodeTests
{
    [Fact]
    public void Meter_reports_peak_and_rms_of_full_scale_sine()
    {
        using var meter = new MeterNode(new MeterParameters { WindowMs = 300 });
        var harness = new NodeHarness(meter, [1], [1]);
        float[] sine = Signals.Sine(14_400, 1_000, 48_000); // one 300 ms window, 300 whole periods

        float[][] output = harness.Run(14_400, [[sine]]);

        Assert.Equal(14_400, meter.WindowFrames);
        Assert.Equal(1, meter.WindowsCompleted);
        Assert.Equal(0.0, meter.GetPeakDb(0), 0.001);
        Assert.Equal(-3.0103, meter.GetRmsDb(0), 0.001); // 20·log10(1/√2)
        Assert.Equal(sine, output[0]); // pass-through
    }

    [Fact]
    public void Meter_reports_the_floor_for_silence_and_before_the_first_window()
    {
        using var meter = new MeterNode(new MeterParameters { WindowMs = 10 });
        var harness = new NodeHarness(meter, [2], [2]);
        Assert.Equal(2, meter.ChannelCount);
        Assert.Equal(-200.0, meter.GetPeakDb(0));

        harness.Run(960, [[new float[960], new float[960]]]);

        Assert.Equal(2, meter.WindowsCompleted);
        Assert.Equal(-200.0, meter.GetPeakDb(1));
        Assert.Equal(-200.0, meter.GetRmsDb(1));
    }

    [Fact]
    public void Meter_measures_each_channel_separately()
    {
        using var meter = new MeterNode(new MeterParameters { WindowMs = 10 });
        var harness = new NodeHarness(meter, [3], [3]);
        float[] half = Signals.Constant(480, -0.5f); // DC: peak = RMS = -6.02 dBFS
        float[] impulse = new float[480];
        impulse[100] = 0.25f; // peak -12.04 dBFS, RMS 0.25/√480

        harness.Run(480, [[half, impulse, new float[480]]]);

        Assert.Equal(-6.0206, meter.GetPeakDb(0), 0.001);
        Assert.Equal(-6.0206, meter.GetRmsDb(0), 0.001);
        Assert.Equal(-12.0412, meter.GetPeakDb(1), 0.001);
        Assert.Equal(20 * Math.Log10(0.25 / Math.Sqrt(480)), meter.GetRmsDb(1), 0.001);
        Assert.Equal(-200.0, meter.GetPeakDb(2));
    }

    [Fact]
    public void Meter_windows_end_at_window_boundaries_not_block_boundaries()
    {
        // 1 ms = 48 frames per window, blocks of 64 frames: windows end inside blocks.
        using var meter = new MeterNode(new MeterParameters { WindowMs = 1 });
        var harness = new NodeHarness(meter, [1], [1]);
        float[] signal = new float[192];
        signal.AsSpan(96, 48).Fill(0.5f); // only the third window carries signal

        var completed = new List<long>();
        harness.Run(192, [[signal]], beforeBlock: _ => completed.Add(meter.WindowsCompleted));

        Assert.Equal([0L, 1L, 2L], completed);
        Assert.Equal(4, meter.WindowsCompleted);
        Assert.Equal(-200.0, meter.GetPeakDb(0)); // the fourth window is silent again
    }

    [Fact]
    public void Meter_publishes_metrics_through_MeterListener()
    {
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var meter = (MeterNode)ActivatorUtilities.CreateInstance(services, typeof(MeterNode), new MeterParameters { WindowMs = 10 });
        var harness = new NodeHarness(meter, [2], [2], nodeId: "level");
        harness.Run(480, [[Signals.Constant(480, 0.5f), Signals.Constant(480, 0.25f)]]);

        var seen = new List<(string Instrument, string? Unit, double Value, string? Node, int Channel)>();
        var completed = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == MeterNode.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.MeasurementsCompleted = (instrument, _) => completed.Add(instrument.Name);
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            string? node = null;
            int channel = -1;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "node")
                {
                    node = (string?)tag.Value;
                }
                else if (tag.Key == "channel")
                {
                    channel = (int)tag.Value!;
                }
            }

            seen.Add((instrument.Name, instrument.Unit, value, node, channel));
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(4, seen.Count);
        Assert.Contains((MeterNode.PeakInstrumentName, "dBFS", meter.GetPeakDb(0), "level", 0), seen);
        Assert.Contains((MeterNode.PeakInstrumentName, "dBFS", meter.GetPeakDb(1), "level", 1), seen);
        Assert.Contains((MeterNode.RmsInstrumentName, "dBFS", meter.GetRmsDb(0), "level", 0), seen);
        Assert.Contains((MeterNode.RmsInstrumentName, "dBFS", meter.GetRmsDb(1), "level", 1), seen);
        Assert.Equal(-6.0206, meter.GetRmsDb(0), 0.001);
        Assert.Equal(-12.0412, meter.GetPeakDb(1), 0.001);

        // Disposing the node removes its instruments (nothing keeps the node alive through a callback).
        meter.Dispose();
        Assert.Equal([MeterNode.PeakInstrumentName, MeterNode.RmsInstrumentName], completed.Order());
        seen.Clear();
        listener.RecordObservableInstruments();
        Assert.Empty(seen);
    }

    [Fact]
    public void Meter_is_constructed_by_the_engine_convention_without_a_meter_factory()
    {
        using ServiceProvider services = new ServiceCollection().BuildServiceProvider();

        using var meter = (MeterNode)ActivatorUtilities.CreateInstance(services, typeof(MeterNode), new MeterParameters());

        Assert.Null(meter.Meter.Scope);
        Assert.Equal(MeterNode.MeterName, meter.Meter.Name);
    }
}
