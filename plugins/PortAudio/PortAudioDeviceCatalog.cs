using System.Globalization;
using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Devices;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.PortAudio.Interop;

namespace SyfalaGraph.Plugins.PortAudio;

/// <summary>
/// The PortAudio devices <c>syfala-graph devices</c> lists: every device of every host API PortAudio was built with
/// (ALSA, OSS, JACK… on Linux), grouped by host API, with channel counts, default sample rate and the default
/// low–high latency range in ms. The host finds this class when it loads the plugin and creates it on demand.
/// </summary>
/// <remarks>
/// <see cref="List"/> initialises PortAudio (<c>Pa_Initialize</c>, shared with running <c>portaudio.device</c> nodes
/// through a reference count) and terminates it again when nothing else holds it. Its JACK host API only lists
/// devices when a JACK server is reachable (the one named by <c>JACK_DEFAULT_SERVER</c>, else <c>default</c>).
/// </remarks>
public sealed class PortAudioDeviceCatalog : IDeviceCatalog
{
    /// <summary>"PortAudio".</summary>
    public string Backend => "PortAudio";

    /// <summary>
    /// Lists the devices. Audio thread: no. Never throws for a missing library or a failed <c>Pa_Initialize</c>: the
    /// listing is then empty with <see cref="DeviceListing.Problem"/> saying why (and which package to install).
    /// </summary>
    /// <returns>The devices in PortAudio's index order; when there are none, <see cref="DeviceListing.Problem"/> lists
    /// the host APIs that were found.</returns>
    public DeviceListing List()
    {
        try
        {
            PortAudioLibrary.Acquire();
        }
        catch (NodeException ex)
        {
            return new DeviceListing([], ex.Message);
        }

        try
        {
            return ListInitialised();
        }
        finally
        {
            PortAudioLibrary.Release();
        }
    }

    private static unsafe DeviceListing ListInitialised()
    {
        List<string> apis = DeviceCatalog.HostApis();
        var devices = new List<DeviceInfo>();
        int count = PortAudioNative.GetDeviceCount();
        if (count < 0)
        {
            return new DeviceListing([], "Pa_GetDeviceCount failed: " + PortAudioNative.ErrorText(count));
        }

        for (int i = 0; i < count; i++)
        {
            PaDeviceInfo* d = PortAudioNative.GetDeviceInfo(i);
            if (d is null)
            {
                continue;
            }

            string api = d->HostApi >= 0 && d->HostApi < apis.Count ? apis[d->HostApi] : "?";
            PaHostApiInfo* apiInfo = PortAudioNative.GetHostApiInfo(d->HostApi);
            var details = new List<string> { "index " + i.ToString(CultureInfo.InvariantCulture) };
            if (d->MaxInputChannels > 0)
            {
                details.Add(string.Create(CultureInfo.InvariantCulture, $"latency in {d->DefaultLowInputLatency * 1000:0.#}-{d->DefaultHighInputLatency * 1000:0.#} ms"));
            }

            if (d->MaxOutputChannels > 0)
            {
                details.Add(string.Create(CultureInfo.InvariantCulture, $"latency out {d->DefaultLowOutputLatency * 1000:0.#}-{d->DefaultHighOutputLatency * 1000:0.#} ms"));
            }

            if (apiInfo is not null && (apiInfo->DefaultInputDevice == i || apiInfo->DefaultOutputDevice == i))
            {
                details.Add(apiInfo->DefaultInputDevice == i && apiInfo->DefaultOutputDevice == i ? "default"
                    : apiInfo->DefaultOutputDevice == i ? "default output" : "default input");
            }

            devices.Add(new DeviceInfo(Marshal.PtrToStringUTF8(d->Name) ?? "", api, d->MaxInputChannels, d->MaxOutputChannels,
                d->DefaultSampleRate, string.Join(", ", details)));
        }

        string? problem = devices.Count > 0 ? null
            : $"no devices found; host APIs: {(apis.Count == 0 ? "none" : string.Join(", ", apis))} " +
              "(no sound card visible to ALSA; JACK devices appear only while a JACK server runs)";
        return new DeviceListing(devices, problem);
    }
}
