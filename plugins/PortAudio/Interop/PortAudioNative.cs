using System.Runtime.InteropServices;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>
/// The subset of the PortAudio v19 C API the device node uses (source-generated P/Invoke, blittable arguments
/// only). Declarations follow <c>portaudio.h</c> of PortAudio 19.6 (Debian libportaudio2). <c>unsigned long</c>
/// is 64-bit on Linux/macOS x64 and 32-bit on Windows: it is declared as <see cref="CULong"/>.
/// Call <see cref="PortAudioLibrary.EnsureLoaded"/> before the first call.
/// </summary>
internal static unsafe partial class PortAudioNative
{
    /// <summary>The name used in <c>[LibraryImport]</c> and registered with the resolver.</summary>
    public const string Library = "portaudio";

    public const int paNoError = 0;
    public const int paFormatIsSupported = 0;
    public const int paNoDevice = -1;

    /// <summary>PaErrorCode paInternalError.</summary>
    public const int paInternalError = -9986;

    /// <summary>PaSampleFormat paFloat32 (interleaved: paNonInterleaved not set).</summary>
    public const ulong paFloat32 = 0x00000001;

    /// <summary>PaStreamFlags paNoFlag.</summary>
    public const ulong paNoFlag = 0;

    // PaStreamCallbackFlags.
    public const ulong paInputUnderflow = 0x00000001;
    public const ulong paInputOverflow = 0x00000002;
    public const ulong paOutputUnderflow = 0x00000004;
    public const ulong paOutputOverflow = 0x00000008;
    public const ulong paPrimingOutput = 0x00000010;

    // PaStreamCallbackResult.
    public const int paContinue = 0;
    public const int paComplete = 1;
    public const int paAbort = 2;

    /// <summary><c>PaError Pa_Initialize(void)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_Initialize")]
    public static partial int Initialize();

    /// <summary><c>PaError Pa_Terminate(void)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_Terminate")]
    public static partial int Terminate();

    /// <summary><c>const char* Pa_GetErrorText(PaError)</c>; a static string.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetErrorText")]
    public static partial nint GetErrorText(int error);

    /// <summary><c>int Pa_GetVersion(void)</c>: (major &lt;&lt; 16) | (minor &lt;&lt; 8) | subminor since 19.5 (0x130600 for 19.6.0).</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetVersion")]
    public static partial int GetVersion();

    /// <summary><c>PaHostApiTypeId</c> paALSA.</summary>
    public const int paALSA = 8;

    /// <summary><c>PaHostApiTypeId</c> paJACK.</summary>
    public const int paJACK = 12;

    /// <summary>
    /// <c>void PaAlsa_EnableRealtimeScheduling(PaStream*, int enable)</c> (pa_linux_alsa.h): the ALSA host API creates the
    /// callback thread SCHED_FIFO when the stream starts (silently not, without permission). Only for a stream of the
    /// ALSA host API: it casts the stream to its ALSA structure.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "PaAlsa_EnableRealtimeScheduling")]
    public static partial void AlsaEnableRealtimeScheduling(nint stream, int enable);

    /// <summary><c>const char* Pa_GetVersionText(void)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetVersionText")]
    public static partial nint GetVersionText();

    /// <summary><c>PaHostApiIndex Pa_GetHostApiCount(void)</c>; negative on error.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetHostApiCount")]
    public static partial int GetHostApiCount();

    /// <summary><c>PaHostApiIndex Pa_GetDefaultHostApi(void)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetDefaultHostApi")]
    public static partial int GetDefaultHostApi();

    /// <summary><c>const PaHostApiInfo* Pa_GetHostApiInfo(PaHostApiIndex)</c>; null when out of range.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetHostApiInfo")]
    public static partial PaHostApiInfo* GetHostApiInfo(int hostApi);

    /// <summary><c>PaDeviceIndex Pa_GetDeviceCount(void)</c>; negative on error.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetDeviceCount")]
    public static partial int GetDeviceCount();

    /// <summary><c>PaDeviceIndex Pa_GetDefaultOutputDevice(void)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetDefaultOutputDevice")]
    public static partial int GetDefaultOutputDevice();

    /// <summary><c>PaDeviceIndex Pa_GetDefaultInputDevice(void)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetDefaultInputDevice")]
    public static partial int GetDefaultInputDevice();

    /// <summary><c>const PaDeviceInfo* Pa_GetDeviceInfo(PaDeviceIndex)</c>; null when out of range.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetDeviceInfo")]
    public static partial PaDeviceInfo* GetDeviceInfo(int device);

    /// <summary><c>PaError Pa_IsFormatSupported(const PaStreamParameters* in, const PaStreamParameters* out, double sampleRate)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_IsFormatSupported")]
    public static partial int IsFormatSupported(PaStreamParameters* input, PaStreamParameters* output, double sampleRate);

    /// <summary>
    /// <c>PaError Pa_OpenStream(PaStream**, const PaStreamParameters*, const PaStreamParameters*, double sampleRate,
    /// unsigned long framesPerBuffer, PaStreamFlags, PaStreamCallback*, void* userData)</c>.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "Pa_OpenStream")]
    public static partial int OpenStream(nint* stream, PaStreamParameters* input, PaStreamParameters* output, double sampleRate,
        CULong framesPerBuffer, CULong flags,
        delegate* unmanaged<nint, nint, CULong, nint, CULong, nint, int> callback, nint userData);

    /// <summary><c>PaError Pa_StartStream(PaStream*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_StartStream")]
    public static partial int StartStream(nint stream);

    /// <summary><c>PaError Pa_StopStream(PaStream*)</c>: waits until pending buffers are played and the callback has returned.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_StopStream")]
    public static partial int StopStream(nint stream);

    /// <summary><c>PaError Pa_CloseStream(PaStream*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_CloseStream")]
    public static partial int CloseStream(nint stream);

    /// <summary><c>const PaStreamInfo* Pa_GetStreamInfo(PaStream*)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "Pa_GetStreamInfo")]
    public static partial PaStreamInfo* GetStreamInfo(nint stream);

    /// <summary>The text of a PortAudio error code.</summary>
    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(GetErrorText(error)) ?? $"error {error}";
}

/// <summary><c>PaHostApiInfo</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PaHostApiInfo
{
    public int StructVersion;
    public int Type;
    public nint Name;
    public int DeviceCount;
    public int DefaultInputDevice;
    public int DefaultOutputDevice;
}

/// <summary><c>PaDeviceInfo</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PaDeviceInfo
{
    public int StructVersion;
    public nint Name;
    public int HostApi;
    public int MaxInputChannels;
    public int MaxOutputChannels;
    public double DefaultLowInputLatency;
    public double DefaultLowOutputLatency;
    public double DefaultHighInputLatency;
    public double DefaultHighOutputLatency;
    public double DefaultSampleRate;
}

/// <summary><c>PaStreamParameters</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PaStreamParameters
{
    public int Device;
    public int ChannelCount;
    public CULong SampleFormat;
    public double SuggestedLatency;
    public nint HostApiSpecificStreamInfo;
}

/// <summary><c>PaStreamInfo</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PaStreamInfo
{
    public int StructVersion;
    public double InputLatency;
    public double OutputLatency;
    public double SampleRate;
}

/// <summary><c>PaStreamCallbackTimeInfo</c> (seconds on the stream's clock).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PaStreamCallbackTimeInfo
{
    public double InputBufferAdcTime;
    public double CurrentTime;
    public double OutputBufferDacTime;
}
