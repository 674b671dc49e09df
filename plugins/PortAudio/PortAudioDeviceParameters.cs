using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.PortAudio;

/// <summary>Parameters of <see cref="PortAudioDeviceNode"/> (<c>portaudio.device</c>), bound from the node's YAML <c>params:</c>.</summary>
public sealed record PortAudioDeviceParameters : NodeParameters
{
    /// <summary>The device: a device index, or a case-insensitive substring of its name; empty for the default device.</summary>
    [Description("Device index, or a case-insensitive part of the device name (e.g. 'sgnull', 'USB'). Empty: the host API's default device.")]
    public string Device { get; init; } = "";

    /// <summary>The host API (ALSA, JACK, OSS, …): a case-insensitive substring of its name; empty for any.</summary>
    [Description("Host API to pick the device from (ALSA, JACK, OSS, CoreAudio, WASAPI…), matched case-insensitively. Empty: any.")]
    public string HostApi { get; init; } = "";

    /// <summary>Channels captured from the device into output <c>capture</c>; 0 for none.</summary>
    [Description("Channels captured into output 'capture' (0: no capture).")]
    [Range(0, 256)]
    public int InputChannels { get; init; } = 2;

    /// <summary>Channels played from input <c>playback</c>; 0 for none.</summary>
    [Description("Channels played from input 'playback' (0: no playback).")]
    [Range(0, 256)]
    public int OutputChannels { get; init; } = 2;

    /// <summary>
    /// Frames per callback, which is also the graph's block size; 0 for <c>paFramesPerBufferUnspecified</c>: the host
    /// API's own period (e.g. the JACK period, no adaptation buffer), run in blocks of at most <c>settings.block_frames</c>.
    /// </summary>
    [Description("Frames per PortAudio callback; also the graph's block size. 0: the host API's own period (paFramesPerBufferUnspecified; lowest latency on JACK), run in blocks of settings.block_frames.")]
    [Range(0, 8192)]
    [Unit("frames")]
    public int FramesPerBuffer { get; init; } = 256;

    /// <summary>Suggested latency in milliseconds; null for the device's default low latency.</summary>
    [Description("Suggested latency in ms passed to Pa_OpenStream. Default: the device's default low latency.")]
    [Range(0.0, 10000.0)]
    [Unit("ms")]
    public double? SuggestedLatencyMs { get; init; }

    /// <summary>
    /// What sets the callback rate: <c>device</c> (its own clock; a device that runs faster than real time is flagged,
    /// see <see cref="PortAudioDeviceNode.RunsFasterThanRealTime"/>) or <c>system</c> (the node waits on CLOCK_MONOTONIC
    /// before each callback until its frames are due, for a device with no clock of its own such as ALSA's null plugin;
    /// a callback later than the stream latency counts as an xrun). Linux only for <c>system</c>.
    /// </summary>
    [Description("What paces the callbacks: 'device' (its own clock) or 'system' (the node sleeps to the system's monotonic clock until each callback's frames are due; for a device with no clock, e.g. ALSA's null plugin). Callbacks late by more than the stream latency count as xruns.")]
    public string Pacing { get; init; } = "device";

    /// <summary>ALSA host API: create PortAudio's callback thread SCHED_FIFO (<c>PaAlsa_EnableRealtimeScheduling</c>); without permission it stays SCHED_OTHER.</summary>
    [Description("ALSA host API: run PortAudio's callback thread with SCHED_FIFO (PaAlsa_EnableRealtimeScheduling; stays normal without permission). Other host APIs: ignored (JACK's thread is the server's).")]
    public bool Realtime { get; init; } = true;

    /// <summary>True when <see cref="Pacing"/> is <c>system</c>.</summary>
    internal bool PacedBySystemClock => Pacing.Equals("system", StringComparison.OrdinalIgnoreCase);

    /// <summary>Declares output <c>capture</c> (when <see cref="InputChannels"/> &gt; 0) and input <c>playback</c> (when <see cref="OutputChannels"/> &gt; 0).</summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (OutputChannels > 0)
        {
            ports.Input("playback", ChannelCount.Fixed(OutputChannels), "Audio sent to the device.");
        }

        if (InputChannels > 0)
        {
            ports.Output("capture", ChannelCount.Fixed(InputChannels), "Audio captured from the device.");
        }
    }

    /// <summary>Requires at least one direction, and <see cref="FramesPerBuffer"/> 0 or at least 16.</summary>
    public override IEnumerable<ParameterError> Validate()
    {
        var errors = new List<ParameterError>();
        if (InputChannels == 0 && OutputChannels == 0)
        {
            errors.Add(new ParameterError("output_channels", "input_channels and output_channels are both 0: the device would do nothing"));
        }

        if (FramesPerBuffer is > 0 and < 16)
        {
            errors.Add(new ParameterError("frames_per_buffer", $"frames_per_buffer is {FramesPerBuffer}: use 0 (the host API's own period) or 16..8192"));
        }

        if (!Pacing.Equals("device", StringComparison.OrdinalIgnoreCase) && !PacedBySystemClock)
        {
            errors.Add(new ParameterError("pacing", $"pacing is '{Pacing}': use 'device' (the device's clock) or 'system' (the system clock, for a device with no clock of its own)"));
        }
        else if (PacedBySystemClock && !OperatingSystem.IsLinux())
        {
            errors.Add(new ParameterError("pacing", "pacing: system needs Linux (clock_nanosleep on CLOCK_MONOTONIC)"));
        }

        return errors;
    }
}
