using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using SyfalaGraph.Abstractions.Devices;
using SyfalaGraph.Plugins.Jack.Internal;
using SyfalaGraph.Plugins.Jack.Interop;

namespace SyfalaGraph.Plugins.Jack;

/// <summary>
/// Lists the ports of the JACK server a <c>jack.client</c> without <c>server_name</c> would reach
/// (<c>JACK_DEFAULT_SERVER</c>, else "default") for <c>syfala-graph devices</c>: one <see cref="DeviceInfo"/> per port,
/// named "client:port", grouped by client, with the server's sample rate.
/// </summary>
public sealed unsafe class JackDeviceCatalog : IDeviceCatalog
{
    /// <summary>The client name the catalog opens briefly to query the server.</summary>
    public const string QueryClientName = "syfala-graph-devices";

    private readonly string? _serverName;

    /// <summary>A catalog of the default server (<c>JACK_DEFAULT_SERVER</c>, else "default").</summary>
    public JackDeviceCatalog()
    {
    }

    /// <summary>A catalog of the server named <paramref name="serverName"/> (null: the default server).</summary>
    /// <param name="serverName">The JACK server name (<c>jackd -n</c>), or null.</param>
    public JackDeviceCatalog(string? serverName) => _serverName = serverName;

    /// <summary>"JACK".</summary>
    public string Backend => "JACK";

    /// <summary>
    /// Opens a client on the server (never starting one), lists every port with its direction, type, flags and latency
    /// range, and closes the client. A JACK output port (a source, e.g. <c>system:capture_1</c>) counts as one input
    /// channel into a graph, a JACK input port as one output channel. Audio thread: no.
    /// </summary>
    /// <returns>The ports, or an empty list with a <see cref="DeviceListing.Problem"/> (libjack missing, no server) — never throws for those.</returns>
    public DeviceListing List()
    {
        if (!JackNative.TryLoad(out string? missing))
        {
            return new DeviceListing([], "JACK: " + missing);
        }

        nint client = JackProcessClients.Open(QueryClientName, _serverName, null, out string? error);
        if (client == 0)
        {
            return new DeviceListing([], "JACK: " + error);
        }

        try
        {
            double rate = JackNative.GetSampleRate(client);
            uint period = JackNative.GetBufferSize(client);
            string self = JackNative.Text(JackNative.GetClientName(client)) ?? QueryClientName;
            var devices = new List<DeviceInfo>();
            foreach (string name in JackNative.TakeStringArray(JackNative.GetPorts(client, null, null, new CULong(0))))
            {
                int colon = name.IndexOf(':', StringComparison.Ordinal);
                string group = colon < 0 ? "" : name[..colon];
                if (group == self)
                {
                    continue;
                }

                byte[] utf8 = JackClientOpener.Utf8(name);
                nint port;
                fixed (byte* p = utf8)
                {
                    port = JackNative.PortByName(client, p);
                }

                if (port == 0)
                {
                    continue; // unregistered meanwhile
                }

                ulong flags = (ulong)JackNative.PortFlags(port);
                bool isOutput = (flags & JackNative.JackPortIsOutput) != 0;
                bool isInput = (flags & JackNative.JackPortIsInput) != 0;
                JackLatencyRange range;
                JackNative.PortGetLatencyRange(port, isOutput ? JackNative.JackCaptureLatency : JackNative.JackPlaybackLatency, &range);
                string type = JackNative.Text(JackNative.PortType(port)) ?? "?";
                devices.Add(new DeviceInfo(name, group, isOutput ? 1 : 0, isInput ? 1 : 0, rate, Details(type, flags, isOutput, range, rate, period)));
            }

            return new DeviceListing(devices);
        }
        finally
        {
            JackProcessClients.Close(client);
        }
    }

    private static string Details(string type, ulong flags, bool isOutput, JackLatencyRange range, double rate, uint period)
    {
        var sb = new StringBuilder();
        sb.Append(type == JackNative.DefaultAudioType ? "audio" : type == "8 bit raw midi" ? "midi" : type);
        sb.Append(isOutput ? ", source (JACK output)" : ", sink (JACK input)");
        if ((flags & JackNative.JackPortIsPhysical) != 0)
        {
            sb.Append(", physical");
        }

        if ((flags & JackNative.JackPortIsTerminal) != 0)
        {
            sb.Append(", terminal");
        }

        sb.Append(CultureInfo.InvariantCulture, $", {(isOutput ? "capture" : "playback")} latency {range.Min}-{range.Max} frames");
        if (rate > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" ({range.Min * 1000.0 / rate:F2}-{range.Max * 1000.0 / rate:F2} ms)");
        }

        sb.Append(CultureInfo.InvariantCulture, $", period {period} frames");
        return sb.ToString();
    }
}
