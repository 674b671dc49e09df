using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>One PortAudio device as listed by <see cref="DeviceCatalog.Devices"/>.</summary>
/// <param name="Index">The PortAudio device index.</param>
/// <param name="Name">The device name.</param>
/// <param name="HostApi">The name of its host API.</param>
/// <param name="MaxInputChannels">Capture channels.</param>
/// <param name="MaxOutputChannels">Playback channels.</param>
/// <param name="DefaultSampleRate">Default sample rate in Hz.</param>
internal sealed record DeviceEntry(int Index, string Name, string HostApi, int MaxInputChannels, int MaxOutputChannels, double DefaultSampleRate)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"[{Index}] '{Name}' ({HostApi}, {MaxInputChannels} in, {MaxOutputChannels} out, {DefaultSampleRate} Hz)");
}

/// <summary>Lists host APIs and devices and resolves the <c>device</c>/<c>host_api</c> parameters. PortAudio must be initialised. Audio thread: no.</summary>
internal static unsafe class DeviceCatalog
{
    /// <summary>The host API names, by index.</summary>
    public static List<string> HostApis()
    {
        var list = new List<string>();
        int count = PortAudioNative.GetHostApiCount();
        for (int i = 0; i < count; i++)
        {
            PaHostApiInfo* info = PortAudioNative.GetHostApiInfo(i);
            list.Add(info is null ? "?" : Marshal.PtrToStringUTF8(info->Name) ?? "?");
        }

        return list;
    }

    /// <summary>Every device PortAudio knows.</summary>
    public static List<DeviceEntry> Devices()
    {
        List<string> apis = HostApis();
        var list = new List<DeviceEntry>();
        int count = PortAudioNative.GetDeviceCount();
        for (int i = 0; i < count; i++)
        {
            PaDeviceInfo* d = PortAudioNative.GetDeviceInfo(i);
            if (d is null)
            {
                continue;
            }

            string api = d->HostApi >= 0 && d->HostApi < apis.Count ? apis[d->HostApi] : "?";
            list.Add(new DeviceEntry(i, Marshal.PtrToStringUTF8(d->Name) ?? "", api, d->MaxInputChannels, d->MaxOutputChannels, d->DefaultSampleRate));
        }

        return list;
    }

    /// <summary>Finds the device the parameters name and checks its channel counts.</summary>
    /// <exception cref="NodeException">No such host API, device, or not enough channels; the message lists what exists.</exception>
    public static int Resolve(PortAudioDeviceParameters p)
    {
        List<string> apis = HostApis();
        List<DeviceEntry> all = Devices();
        int apiIndex = -1;
        if (!string.IsNullOrWhiteSpace(p.HostApi))
        {
            apiIndex = apis.FindIndex(a => a.Equals(p.HostApi, StringComparison.OrdinalIgnoreCase));
            if (apiIndex < 0)
            {
                apiIndex = apis.FindIndex(a => a.Contains(p.HostApi, StringComparison.OrdinalIgnoreCase));
            }

            if (apiIndex < 0)
            {
                throw new NodeException($"portaudio.device: no host API '{p.HostApi}'; available host APIs: {(apis.Count == 0 ? "none" : string.Join(", ", apis))}");
            }
        }

        List<DeviceEntry> candidates = apiIndex < 0 ? all : all.Where(d => d.HostApi == apis[apiIndex]).ToList();
        string scope = apiIndex < 0 ? "" : $" of host API {apis[apiIndex]}";
        DeviceEntry? chosen;
        string device = p.Device.Trim();
        if (device.Length == 0)
        {
            int index;
            if (apiIndex >= 0)
            {
                PaHostApiInfo* info = PortAudioNative.GetHostApiInfo(apiIndex);
                index = p.OutputChannels > 0 ? info->DefaultOutputDevice : info->DefaultInputDevice;
            }
            else
            {
                index = p.OutputChannels > 0 ? PortAudioNative.GetDefaultOutputDevice() : PortAudioNative.GetDefaultInputDevice();
            }

            chosen = all.FirstOrDefault(d => d.Index == index);
            if (chosen is null)
            {
                throw new NodeException($"portaudio.device: there is no default device{scope}; devices: {List(all)}");
            }
        }
        else if (int.TryParse(device, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
        {
            chosen = candidates.FirstOrDefault(d => d.Index == index)
                ?? throw new NodeException($"portaudio.device: no device with index {index}{scope}; devices: {List(candidates)}");
        }
        else
        {
            var matches = candidates.Where(d => d.Name.Contains(device, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
            {
                throw new NodeException($"portaudio.device: no device matching '{device}'{scope}; devices: {List(candidates)}");
            }

            chosen = matches.FirstOrDefault(d => d.Name.Equals(device, StringComparison.OrdinalIgnoreCase))
                ?? matches.FirstOrDefault(d => d.MaxInputChannels >= p.InputChannels && d.MaxOutputChannels >= p.OutputChannels)
                ?? matches[0];
        }

        if (chosen.MaxInputChannels < p.InputChannels || chosen.MaxOutputChannels < p.OutputChannels)
        {
            throw new NodeException(
                $"portaudio.device: device {chosen} has {chosen.MaxInputChannels} input and {chosen.MaxOutputChannels} output channels, " +
                $"but input_channels is {p.InputChannels} and output_channels is {p.OutputChannels}; devices: {List(candidates)}");
        }

        return chosen.Index;
    }

    private static string List(List<DeviceEntry> devices)
    {
        if (devices.Count == 0)
        {
            return "none";
        }

        var sb = new StringBuilder();
        foreach (DeviceEntry d in devices)
        {
            sb.Append(sb.Length == 0 ? "" : "; ").Append(d);
        }

        return sb.ToString();
    }
}
