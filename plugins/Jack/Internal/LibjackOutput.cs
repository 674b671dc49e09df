using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Plugins.Jack.Interop;

namespace SyfalaGraph.Plugins.Jack.Internal;

// libjack prints what goes wrong inside jack_client_open itself: five lines per failed attempt when no server runs
// ("Cannot connect to server socket err = No such file or directory", ...). A node waiting for its server to come back
// tries four times a second, so those lines flooded stderr for as long as the server was down. Around each open and
// each close (closing a dead server's client prints "Server is not running"), libjack's error and information
// functions point here instead; the caller gets the lines and reports the failure in its own words. Afterwards the functions that were there before are put back (libjack's own, or another library's,
// such as PortAudio's JACK host API), read from jackd2's exported variables jack_error_callback / jack_info_callback.
// The callback may run on any libjack thread, including another client's process thread: it only copies bytes into a
// fixed native buffer (no allocation, no lock, no managed object).

/// <summary>
/// Captures what libjack prints while a client is being opened or closed (<c>jack_set_error_function</c>,
/// <c>jack_set_info_function</c>). One capture at a time: callers hold <see cref="JackProcessClients.Gate"/>.
/// Audio thread: no (the captured callback itself is real-time safe).
/// </summary>
internal static unsafe class LibjackOutput
{
    /// <summary>Bytes kept per capture; lines beyond are dropped.</summary>
    public const int Capacity = 4096;

    private static readonly byte* Lines = (byte*)NativeMemory.Alloc(Capacity);
    private static int _length;

    /// <summary>
    /// Runs <paramref name="call"/> (a <c>jack_client_open</c> or <c>jack_client_close</c>) with libjack's output
    /// captured, then restores the previous output functions.
    /// </summary>
    /// <returns>What <paramref name="call"/> returned, and the captured lines joined by "; " ("" when none).</returns>
    public static (nint Result, string Lines) Capture(Func<nint> call)
    {
        NativeLibraries.EnsureJack();
        // Our own function as "previous" (left by an interleaved swap elsewhere, see the README) is not put back.
        nint keep = (nint)(delegate* unmanaged[Cdecl]<byte*, void>)&Keep;
        nint previousError = CurrentFunction("jack_error_callback") is var e && e != keep ? e : 0;
        nint previousInfo = CurrentFunction("jack_info_callback") is var i && i != keep ? i : 0;
        Volatile.Write(ref _length, 0);
        JackNative.SetErrorFunction(&Keep);
        JackNative.SetInfoFunction(&Keep);
        nint result;
        try
        {
            result = call();
        }
        finally
        {
            // A null restores libjack's default (stderr / stdout): the right fallback when the variables are not exported.
            JackNative.SetErrorFunction((delegate* unmanaged[Cdecl]<byte*, void>)previousError);
            JackNative.SetInfoFunction((delegate* unmanaged[Cdecl]<byte*, void>)previousInfo);
        }

        int length = Math.Min(Volatile.Read(ref _length), Capacity);
        string text = Encoding.UTF8.GetString(Lines, length);
        return (result, string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    }

    /// <summary>The function libjack calls now, read from jackd2's exported variable; 0 when it is not exported.</summary>
    private static nint CurrentFunction(string variable) =>
        NativeLibraryResolver.TryLoad(JackNative.Library, out nint handle, out _) && NativeLibrary.TryGetExport(handle, variable, out nint address)
            ? *(nint*)address
            : 0;

    /// <summary>libjack's <c>void (*)(const char*)</c>: appends the line and a newline, or drops it when full.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Keep(byte* line)
    {
        if (line == null)
        {
            return;
        }

        int n = 0;
        while (n < Capacity && line[n] != 0)
        {
            n++;
        }

        int end = Interlocked.Add(ref _length, n + 1);
        if (end > Capacity)
        {
            return;
        }

        Unsafe.CopyBlockUnaligned(Lines + end - n - 1, line, (uint)n);
        Lines[end - 1] = (byte)'\n';
    }
}
