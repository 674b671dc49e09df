using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Native;

namespace SyfalaGraph.Plugins.PortAudio.Interop;

/// <summary>
/// Silences libjack while <c>Pa_Initialize</c> runs. PortAudio's JACK host API tries to open a client there; with no
/// JACK server, libjack prints five lines of its own ("Cannot connect to server socket err = No such file or
/// directory", …) that say only what the device list already shows: no JACK device. The functions libjack used
/// before (jackd2's exported variables <c>jack_error_callback</c> / <c>jack_info_callback</c>; its stderr / stdout
/// defaults when not exported) are put back afterwards. Without libjack it just runs the action. Audio thread: no.
/// </summary>
internal static unsafe class JackOutput
{
    // The name the Jack plugin imports libjack by: the key of the process-wide JACK gate.
    private const string JackLibrary = "jack";

    private static readonly string[] Names = OperatingSystem.IsMacOS() ? ["libjack.0.dylib"] : ["libjack.so.0"];

    /// <summary>Runs <paramref name="action"/> with libjack's error and information lines discarded.</summary>
    public static T Quietly<T>(Func<T> action)
    {
        nint jack = 0;
        if (!Names.Any(name => NativeLibrary.TryLoad(name, out jack))
            || !NativeLibrary.TryGetExport(jack, "jack_set_error_function", out nint setError)
            || !NativeLibrary.TryGetExport(jack, "jack_set_info_function", out nint setInfo))
        {
            return action();
        }

        var setErrorFunction = (delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<byte*, void>, void>)setError;
        var setInfoFunction = (delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<byte*, void>, void>)setInfo;
        // libjack's error functions and its client globals are process-wide: the Jack plugin opens clients and
        // swaps these functions under the same host-owned gate, so the two plugins never interleave.
        using (NativeProcessServices.GateOf(JackLibrary).EnterScope())
        {
            nint previousError = NativeLibrary.TryGetExport(jack, "jack_error_callback", out nint errorVariable) ? *(nint*)errorVariable : 0;
            nint previousInfo = NativeLibrary.TryGetExport(jack, "jack_info_callback", out nint infoVariable) ? *(nint*)infoVariable : 0;
            setErrorFunction(&Silent);
            setInfoFunction(&Silent);
            try
            {
                return action();
            }
            finally
            {
                setErrorFunction((delegate* unmanaged[Cdecl]<byte*, void>)previousError); // null: libjack's default
                setInfoFunction((delegate* unmanaged[Cdecl]<byte*, void>)previousInfo);
            }
        }
    }

    /// <summary>libjack's <c>void (*)(const char*)</c>, discarding the line.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Silent(byte* line)
    {
    }
}
