namespace SyfalaGraph.Abstractions.Devices;

/// <summary>One device (PortAudio) or port (JACK) as listed by <c>syfala-graph devices</c>.</summary>
/// <param name="Name">The name a graph uses to select it (a PortAudio device name, a full JACK port name).</param>
/// <param name="Group">The host API (PortAudio) or client (JACK) it belongs to.</param>
/// <param name="InputChannels">Capture channels (PortAudio), or 1 for a JACK port that outputs audio into the graph (a JACK capture/source port).</param>
/// <param name="OutputChannels">Playback channels (PortAudio), or 1 for a JACK sink port.</param>
/// <param name="DefaultSampleRate">Default (PortAudio) or current (JACK) sample rate in Hz, when known.</param>
/// <param name="Details">Anything else worth showing: latency ranges in ms, port type and flags…</param>
public sealed record DeviceInfo(string Name, string Group, int InputChannels, int OutputChannels, double? DefaultSampleRate, string? Details = null);
