using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Native;

namespace SyfalaGraph.Plugins.Jack.Interop;

/// <summary>
/// The subset of the JACK C API (<c>jack/jack.h</c>, <c>jack/types.h</c> of jackd2 1.9) the node and the catalog
/// use, as source-generated P/Invoke with blittable arguments only. <c>jack_nframes_t</c> and
/// <c>jack_port_id_t</c> are 32-bit unsigned; <c>unsigned long</c> is <see cref="CULong"/>; enums are 32-bit.
/// Strings are passed as NUL-terminated UTF-8 pointers. Call <see cref="EnsureLoaded"/> before the
/// first call. libjack's error and information functions are the host's (<see cref="NativeDiagnostics"/>), never set here. Only <see cref="PortGetBuffer"/> is called on the process thread.
/// </summary>
internal static unsafe partial class JackNative
{
    /// <summary>The name used in <c>[LibraryImport]</c> and registered with the resolver (<see cref="KnownNativeLibraries.Jack"/>).</summary>
    public const string Library = "jack";

    /// <summary>Registers libjack for this assembly's P/Invokes and loads it. Audio thread: no.</summary>
    /// <exception cref="SyfalaGraph.Abstractions.Nodes.NodeException">It is missing; the message names the package.</exception>
    public static void EnsureLoaded() => NativeLibraryResolver.EnsureLoaded(typeof(JackNative).Assembly, KnownNativeLibraries.Jack);

    /// <summary>As <see cref="EnsureLoaded"/>; on failure <paramref name="error"/> names the package to install. Audio thread: no.</summary>
    public static bool TryLoad([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
        NativeLibraryResolver.TryLoad(typeof(JackNative).Assembly, KnownNativeLibraries.Jack, out _, out error);

    /// <summary><c>JACK_DEFAULT_AUDIO_TYPE</c>.</summary>
    public const string DefaultAudioType = "32 bit float mono audio";

    // jack_options_t.
    public const int JackNullOption = 0x00;
    public const int JackNoStartServer = 0x01;
    public const int JackUseExactName = 0x02;
    public const int JackServerName = 0x04;

    // jack_status_t.
    public const int JackFailure = 0x01;
    public const int JackInvalidOption = 0x02;
    public const int JackNameNotUnique = 0x04;
    public const int JackServerStarted = 0x08;
    public const int JackServerFailed = 0x10;
    public const int JackServerError = 0x20;
    public const int JackNoSuchClient = 0x40;
    public const int JackLoadFailure = 0x80;
    public const int JackInitFailure = 0x100;
    public const int JackShmFailure = 0x200;
    public const int JackVersionError = 0x400;
    public const int JackBackendError = 0x800;
    public const int JackClientZombie = 0x1000;

    // JackPortFlags.
    public const ulong JackPortIsInput = 0x1;
    public const ulong JackPortIsOutput = 0x2;
    public const ulong JackPortIsPhysical = 0x4;
    public const ulong JackPortCanMonitor = 0x8;
    public const ulong JackPortIsTerminal = 0x10;

    // jack_latency_callback_mode_t.
    public const int JackCaptureLatency = 0;
    public const int JackPlaybackLatency = 1;

    /// <summary><c>EEXIST</c>: what <c>jack_connect</c> returns when the connection already exists.</summary>
    public const int EEXIST = 17;

    /// <summary><c>jack_client_t* jack_client_open(const char* name, jack_options_t, jack_status_t*, ...)</c> without a server name.</summary>
    [LibraryImport(Library, EntryPoint = "jack_client_open")]
    public static partial nint ClientOpen(byte* clientName, int options, int* status);

    /// <summary>
    /// <c>jack_client_open</c> with <see cref="JackServerName"/> in the options and the server name as the one
    /// variadic argument (a pointer: passed in the same register as a fixed argument on SysV x64 and AArch64 Linux).
    /// </summary>
    [LibraryImport(Library, EntryPoint = "jack_client_open")]
    public static partial nint ClientOpen(byte* clientName, int options, int* status, byte* serverName);

    /// <summary><c>int jack_client_close(jack_client_t*)</c>: deactivates if needed; no callback runs after it returns.</summary>
    [LibraryImport(Library, EntryPoint = "jack_client_close")]
    public static partial int ClientClose(nint client);

    /// <summary><c>char* jack_get_client_name(jack_client_t*)</c>: the actual (possibly uniquified) name, owned by the client.</summary>
    [LibraryImport(Library, EntryPoint = "jack_get_client_name")]
    public static partial byte* GetClientName(nint client);

    /// <summary><c>jack_nframes_t jack_get_sample_rate(jack_client_t*)</c> in Hz.</summary>
    [LibraryImport(Library, EntryPoint = "jack_get_sample_rate")]
    public static partial uint GetSampleRate(nint client);

    /// <summary><c>jack_nframes_t jack_get_buffer_size(jack_client_t*)</c>: the period in frames.</summary>
    [LibraryImport(Library, EntryPoint = "jack_get_buffer_size")]
    public static partial uint GetBufferSize(nint client);

    /// <summary><c>int jack_activate(jack_client_t*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_activate")]
    public static partial int Activate(nint client);

    /// <summary><c>int jack_deactivate(jack_client_t*)</c>: returns after the current process cycle.</summary>
    [LibraryImport(Library, EntryPoint = "jack_deactivate")]
    public static partial int Deactivate(nint client);

    /// <summary><c>int jack_set_process_callback(jack_client_t*, JackProcessCallback, void*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_set_process_callback")]
    public static partial int SetProcessCallback(nint client, delegate* unmanaged<uint, nint, int> callback, nint arg);

    /// <summary><c>int jack_set_xrun_callback(jack_client_t*, JackXRunCallback, void*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_set_xrun_callback")]
    public static partial int SetXrunCallback(nint client, delegate* unmanaged<nint, int> callback, nint arg);

    /// <summary><c>int jack_set_buffer_size_callback(jack_client_t*, JackBufferSizeCallback, void*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_set_buffer_size_callback")]
    public static partial int SetBufferSizeCallback(nint client, delegate* unmanaged<uint, nint, int> callback, nint arg);

    /// <summary><c>int jack_set_sample_rate_callback(jack_client_t*, JackSampleRateCallback, void*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_set_sample_rate_callback")]
    public static partial int SetSampleRateCallback(nint client, delegate* unmanaged<uint, nint, int> callback, nint arg);

    /// <summary><c>int jack_set_port_registration_callback(jack_client_t*, JackPortRegistrationCallback, void*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_set_port_registration_callback")]
    public static partial int SetPortRegistrationCallback(nint client, delegate* unmanaged<uint, int, nint, void> callback, nint arg);

    /// <summary><c>void jack_on_info_shutdown(jack_client_t*, JackInfoShutdownCallback, void*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_on_info_shutdown")]
    public static partial void OnInfoShutdown(nint client, delegate* unmanaged<int, byte*, nint, void> callback, nint arg);

    /// <summary><c>jack_port_t* jack_port_register(jack_client_t*, const char* name, const char* type, unsigned long flags, unsigned long buffer_size)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_port_register")]
    public static partial nint PortRegister(nint client, byte* portName, byte* portType, CULong flags, CULong bufferSize);

    /// <summary><c>void* jack_port_get_buffer(jack_port_t*, jack_nframes_t)</c>. Process thread: yes.</summary>
    [LibraryImport(Library, EntryPoint = "jack_port_get_buffer")]
    [SuppressGCTransition]
    public static partial float* PortGetBuffer(nint port, uint frames);

    /// <summary><c>const char* jack_port_name(const jack_port_t*)</c>: the full name "client:port".</summary>
    [LibraryImport(Library, EntryPoint = "jack_port_name")]
    public static partial byte* PortName(nint port);

    /// <summary><c>int jack_port_flags(const jack_port_t*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_port_flags")]
    public static partial int PortFlags(nint port);

    /// <summary><c>const char* jack_port_type(const jack_port_t*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_port_type")]
    public static partial byte* PortType(nint port);

    /// <summary><c>jack_port_t* jack_port_by_name(jack_client_t*, const char*)</c>; null when there is none.</summary>
    [LibraryImport(Library, EntryPoint = "jack_port_by_name")]
    public static partial nint PortByName(nint client, byte* portName);

    /// <summary><c>void jack_port_get_latency_range(jack_port_t*, jack_latency_callback_mode_t, jack_latency_range_t*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_port_get_latency_range")]
    public static partial void PortGetLatencyRange(nint port, int mode, JackLatencyRange* range);

    /// <summary><c>const char** jack_get_ports(jack_client_t*, const char* name_regex, const char* type_regex, unsigned long flags)</c>; free with <see cref="Free"/>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_get_ports")]
    public static partial byte** GetPorts(nint client, byte* portNamePattern, byte* typeNamePattern, CULong flags);

    /// <summary><c>const char** jack_port_get_all_connections(const jack_client_t*, const jack_port_t*)</c>; free with <see cref="Free"/>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_port_get_all_connections")]
    public static partial byte** PortGetAllConnections(nint client, nint port);

    /// <summary><c>int jack_connect(jack_client_t*, const char* source_port, const char* destination_port)</c>; <see cref="EEXIST"/> when already connected.</summary>
    [LibraryImport(Library, EntryPoint = "jack_connect")]
    public static partial int Connect(nint client, byte* sourcePort, byte* destinationPort);

    /// <summary><c>void jack_free(void*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "jack_free")]
    public static partial void Free(void* pointer);

    /// <summary>Reads a NUL-terminated UTF-8 string (null for a null pointer). Allocates: never on the process thread.</summary>
    public static string? Text(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);

    /// <summary>Copies a NULL-terminated array of strings from <c>jack_get_ports</c> and frees it. Allocates.</summary>
    public static List<string> TakeStringArray(byte** array)
    {
        var list = new List<string>();
        if (array is null)
        {
            return list;
        }

        for (int i = 0; array[i] is not null; i++)
        {
            list.Add(Marshal.PtrToStringUTF8((nint)array[i]) ?? "");
        }

        Free(array);
        return list;
    }

    /// <summary>Describes a <c>jack_status_t</c> bit set in words.</summary>
    public static string DescribeStatus(int status)
    {
        var parts = new List<string>();
        void Add(int bit, string what)
        {
            if ((status & bit) != 0)
            {
                parts.Add(what);
            }
        }

        Add(JackFailure, "overall failure");
        Add(JackInvalidOption, "invalid option");
        Add(JackNameNotUnique, "client name not unique");
        Add(JackServerStarted, "server started");
        Add(JackServerFailed, "cannot connect to the server");
        Add(JackServerError, "communication error with the server");
        Add(JackNoSuchClient, "no such client");
        Add(JackLoadFailure, "cannot load internal client");
        Add(JackInitFailure, "cannot initialise client");
        Add(JackShmFailure, "cannot access shared memory");
        Add(JackVersionError, "client/server protocol version mismatch");
        Add(JackBackendError, "backend error");
        Add(JackClientZombie, "client zombified");
        return parts.Count == 0 ? $"status 0x{status:x}" : string.Join(", ", parts) + $" (0x{status:x})";
    }
}

/// <summary><c>jack_latency_range_t</c>: minimum and maximum latency in frames.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct JackLatencyRange
{
    /// <summary>Minimum latency in frames.</summary>
    public uint Min;

    /// <summary>Maximum latency in frames.</summary>
    public uint Max;
}
