using System.Diagnostics.Metrics;
using System.Numerics.Tensors;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Dsp.Levels;

namespace SyfalaGraph.Plugins.Core;

// Design: the audio thread accumulates, other threads read finished windows.
//
// - Process copies in -> out, then walks the block in segments cut at window boundaries. Per channel it
//   keeps the running max |x| (TensorPrimitives.MaxMagnitude) and the running sum of squares
//   (TensorPrimitives.SumOfSquares per segment, accumulated in double), all in arrays allocated in Prepare.
// - When a window completes, the per-channel levels are converted to dBFS and stored with Volatile.Write
//   into preallocated double arrays, then the window counter is bumped with a release store. A reader
//   (UI thread, metrics collection) uses Volatile.Read: an aligned 64-bit double never tears on a 64-bit
//   runtime, so every value read is one the audio thread wrote. Values of different channels are not a
//   consistent snapshot of one window while a window is being published (benign for a meter).
// - Metrics: two ObservableGauge<double> read those arrays when a listener collects; the audio thread
//   never touches the Meter. The Meter is owned by the node (created with the IMeterFactory as its Scope
//   rather than by IMeterFactory.Create, which returns one cached Meter per name and ignores Dispose), so
//   disposing a node really removes its instruments and no callback keeps it — or its plugin's load
//   context — alive.

/// <summary>
/// Level meter (<c>type: meter</c>): passes <c>in</c> to <c>out</c> unchanged (planar float, channels × frames)
/// and measures, per channel and per window of <see cref="MeterParameters.WindowMs"/>, the peak (max |x|) and the
/// RMS level in dBFS (20·log10, 1.0 = 0 dBFS, silence = -200 dB). Levels are readable from any thread and
/// published as metrics <c>syfalagraph.meter.peak</c> and <c>syfalagraph.meter.rms</c> (meter <c>SyfalaGraph</c>,
/// unit <c>dBFS</c>, tags <c>node</c> and <c>channel</c>).
/// </summary>
[NodeType("meter", typeof(MeterParameters), Description = "Pass-through level meter: per-channel peak and RMS in dBFS, also published as metrics.")]
public sealed class MeterNode : AudioNode
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the gauges belong to.</summary>
    public const string MeterName = "SyfalaGraph";

    /// <summary>Name of the peak gauge (dBFS).</summary>
    public const string PeakInstrumentName = "syfalagraph.meter.peak";

    /// <summary>Name of the RMS gauge (dBFS).</summary>
    public const string RmsInstrumentName = "syfalagraph.meter.rms";

    private readonly MeterParameters _parameters;
    private readonly Meter _meter;

    // Audio-thread accumulators.
    private float[] _peak = [];
    private double[] _sumOfSquares = [];
    private int _windowFrames = 1;
    private int _windowPosition;

    // Written by the audio thread per completed window, read by any thread.
    private double[] _peakDb = [];
    private double[] _rmsDb = [];
    private long _windowsCompleted;

    // Metrics tags per channel, built in Prepare; null until then (gauges report nothing).
    private KeyValuePair<string, object?>[][]? _channelTags;

    /// <summary>Creates the node and its gauges. Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    /// <param name="meterFactory">The host's metrics factory (DI), used as the meter's scope; null when the host has none.</param>
    public MeterNode(MeterParameters parameters, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _meter = new Meter(new MeterOptions(MeterName) { Scope = meterFactory });
        _meter.CreateObservableGauge(PeakInstrumentName, ObservePeak, "dBFS",
            "Peak level (max |x|) per channel over the last completed meter window.");
        _meter.CreateObservableGauge(RmsInstrumentName, ObserveRms, "dBFS",
            "RMS level per channel over the last completed meter window.");
    }

    /// <summary>Channels measured (0 before <see cref="Prepare"/>). Any thread.</summary>
    public int ChannelCount => _peakDb.Length;

    /// <summary>Window length in frames at the prepared sample rate. Any thread.</summary>
    public int WindowFrames => _windowFrames;

    /// <summary>Windows completed so far; increases after the levels of a window are stored. Any thread.</summary>
    public long WindowsCompleted => Volatile.Read(ref _windowsCompleted);

    /// <summary>The meter the gauges belong to (for hosts that list instruments). Any thread.</summary>
    public Meter Meter => _meter;

    /// <summary>Peak of channel <paramref name="channel"/> over the last completed window, in dBFS (-200 for silence or before the first window). Any thread; lock-free.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="channel"/> is not below <see cref="ChannelCount"/>.</exception>
    public double GetPeakDb(int channel) => Volatile.Read(ref _peakDb[channel]);

    /// <summary>RMS level of channel <paramref name="channel"/> over the last completed window, in dBFS (-200 for silence or before the first window). Any thread; lock-free.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="channel"/> is not below <see cref="ChannelCount"/>.</exception>
    public double GetRmsDb(int channel) => Volatile.Read(ref _rmsDb[channel]);

    /// <summary>Allocates the per-channel state and the metrics tags. Audio thread: no.</summary>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int channels = context.InputChannels[0];
        _windowFrames = Math.Max(1, Decibels.MillisecondsToFrames(_parameters.WindowMs, context.SampleRate));
        _windowPosition = 0;
        _peak = new float[channels];
        _sumOfSquares = new double[channels];
        var peakDb = new double[channels];
        var rmsDb = new double[channels];
        Array.Fill(peakDb, Decibels.FloorDb);
        Array.Fill(rmsDb, Decibels.FloorDb);
        _peakDb = peakDb;
        _rmsDb = rmsDb;

        var tags = new KeyValuePair<string, object?>[channels][];
        for (int c = 0; c < channels; c++)
        {
            tags[c] = [new("node", context.NodeId), new("channel", c)];
        }

        Volatile.Write(ref _channelTags, tags); // last: the gauges start reporting once everything above is visible
    }

    /// <summary>Copies <c>in</c> to <c>out</c> and accumulates the levels; stores them at each window end. Audio thread: yes.</summary>
    public override void Process(in ProcessContext context)
    {
        int frames = context.Frames;
        AudioBuffer input = context.InputBuffer(0);
        AudioBuffer output = context.OutputBuffer(0);
        int channels = Math.Min(_peak.Length, input.Channels);
        if (!ReferenceEquals(input, output))
        {
            int copied = Math.Min(input.Channels, output.Channels);
            for (int c = 0; c < copied; c++)
            {
                input.GetChannel(c, frames).CopyTo(output.GetChannel(c, frames));
            }

            for (int c = copied; c < output.Channels; c++)
            {
                output.GetChannel(c, frames).Clear();
            }
        }

        float[] peak = _peak;
        double[] sumOfSquares = _sumOfSquares;
        int position = 0;
        while (position < frames)
        {
            int n = Math.Min(frames - position, _windowFrames - _windowPosition);
            for (int c = 0; c < channels; c++)
            {
                ReadOnlySpan<float> segment = input.GetChannel(c, frames).Slice(position, n);
                float segmentPeak = Math.Abs(TensorPrimitives.MaxMagnitude(segment));
                if (!(segmentPeak <= peak[c]))
                {
                    peak[c] = segmentPeak; // also lets a NaN through, so a broken signal shows as NaN
                }

                sumOfSquares[c] += TensorPrimitives.SumOfSquares(segment);
            }

            position += n;
            _windowPosition += n;
            if (_windowPosition == _windowFrames)
            {
                PublishWindow(channels);
            }
        }
    }

    /// <summary>Disposes the meter and its gauges. Audio thread: no.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _meter.Dispose();
        }

        base.Dispose(disposing);
    }

    private void PublishWindow(int channels)
    {
        float[] peak = _peak;
        double[] sumOfSquares = _sumOfSquares;
        double windowFrames = _windowFrames;
        for (int c = 0; c < channels; c++)
        {
            Volatile.Write(ref _peakDb[c], Decibels.FromLinear(peak[c]));
            Volatile.Write(ref _rmsDb[c], Decibels.FromLinear(Math.Sqrt(sumOfSquares[c] / windowFrames)));
            peak[c] = 0f;
            sumOfSquares[c] = 0.0;
        }

        _windowPosition = 0;
        Volatile.Write(ref _windowsCompleted, _windowsCompleted + 1);
    }

    // Collection thread (a MeterListener or exporter), not the audio thread. Measurement<T> copies its tags,
    // so one collection allocates a little per channel; nothing is allocated per audio block.
    private Measurement<double>[] ObservePeak() => Observe(rms: false);

    private Measurement<double>[] ObserveRms() => Observe(rms: true);

    private Measurement<double>[] Observe(bool rms)
    {
        // Acquire the tags first: the level arrays were stored before them in Prepare.
        KeyValuePair<string, object?>[][]? tags = Volatile.Read(ref _channelTags);
        if (tags is null)
        {
            return [];
        }

        double[] levels = rms ? _rmsDb : _peakDb;

        var measurements = new Measurement<double>[tags.Length];
        for (int c = 0; c < tags.Length; c++)
        {
            measurements[c] = new Measurement<double>(Volatile.Read(ref levels[c]), tags[c]);
        }

        return measurements;
    }
}
