using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace SyfalaGraph.Abstractions.Native;

// Design: libjack (jack_set_error_function / jack_set_info_function) and alsa-lib (snd_lib_error_set_handler) keep ONE
// process-wide function pointer for their diagnostics. Set from a plugin, it points into a collectible assembly: after a
// hot reload unloads that version, the next line libjack prints calls freed code. So the host owns them: this contract
// assembly is loaded once, outside every collectible context, and the functions it installs (static
// [UnmanagedCallersOnly] methods here) stay valid for the life of the process. They are installed once and re-asserted
// by every Capture (PortAudio's JACK host API installs its own error function inside Pa_Initialize).
//
// Threads (jackd2's common/JackError.cpp: jack_error formats into a 300-byte stack buffer and calls
// jack_error_callback on the calling thread; only jackd's own server threads divert to its message buffer): in a
// client process the functions run on the API caller's thread (jack_client_open...), on libjack's socket/notification
// thread, and on a client's real-time process thread (JackClient::Execute, Error: "SuspendRefNum error"). alsa-lib's
// handler runs on whatever thread calls into it, PortAudio's callback thread included ("underrun occurred"). So the
// callbacks only copy bytes into a preallocated lock-free ring (NativeDiagnosticRing): no allocation, lock, wait or
// managed object. A host thread ("native diagnostics") drains the ring every DrainIntervalMs and routes each line:
// - to a Capture in progress on the thread that printed it (a plugin opening a JACK client gets libjack's lines back
//   and reports the failure in its own words: nothing is logged);
// - else to the logger of the current subscriber of that library (the last Subscribe not yet disposed: a plugin
//   subscribes while it has clients or streams open, so after a reload the new version's node is current), at most
//   LinesPerInterval lines per IntervalMs per library, then one summary of what was suppressed;
// - else to stderr, as the library itself would have printed it.
// Only host types are stored (strings, the ILogger a subscriber passed, removed when it disposes its subscription), so
// nothing here keeps an unloaded plugin alive; a Capture's delegate is called, never kept.

/// <summary>
/// The host-owned capture of native libraries' diagnostic output (libjack's error and information lines, alsa-lib's
/// error lines), shared by every plugin and every version of a plugin across hot reloads (see the design note).
/// Audio thread: no (the functions it installs in the native libraries are real-time safe; its members are not).
/// </summary>
public static unsafe class NativeDiagnostics
{
    /// <summary>The source name of libjack's lines (<see cref="Subscribe"/>), the same as its <c>[LibraryImport]</c> name.</summary>
    public const string Jack = "jack";

    /// <summary>The source name of alsa-lib's lines (<see cref="Subscribe"/>), the same as its <c>[LibraryImport]</c> name.</summary>
    public const string Alsa = "asound";

    /// <summary>How often the ring is drained, ms.</summary>
    public const int DrainIntervalMs = 50;

    /// <summary>Length of a rate-limit window, ms.</summary>
    public const long IntervalMs = 1000;

    /// <summary>Lines of one source logged per window at most (plus one summary line for the suppressed ones).</summary>
    public const int LinesPerInterval = 10;

    private const int SourceJackError = 0;
    private const int SourceJackInfo = 1;
    private const int SourceAlsa = 2;

    private static readonly NativeDiagnosticRing Ring = new();
    private static readonly Lock Drain = new(); // the ring's one consumer, the subscribers and the captures
    private static readonly List<(string Source, ILogger Logger, NativeDiagnosticsSubscription Token)> Subscribers = [];
    private static readonly Dictionary<(int Thread, string Source), List<string>> Captures = []; // the innermost per thread and source
    private static readonly RateWindow[] Windows = [new(), new()]; // jack, alsa
    private static Thread? _drainThread;

    /// <summary>Lines dropped because the ring was full (a native library printed faster than the drain).</summary>
    public static long Dropped => Ring.Dropped;

    /// <summary>
    /// Installs the host's error and information functions in libjack (once per process; later calls re-assert them).
    /// False when libjack is not installed. Call under <see cref="NativeProcessServices.GateOf"/>("jack") when other
    /// code of the process may be swapping them. Audio thread: no.
    /// </summary>
    public static bool InstallJack()
    {
        if (!NativeLibraryResolver.TryLoad(typeof(NativeDiagnostics).Assembly, KnownNativeLibraries.Jack, out nint jack, out _)
            || !NativeLibrary.TryGetExport(jack, "jack_set_error_function", out nint setError)
            || !NativeLibrary.TryGetExport(jack, "jack_set_info_function", out nint setInfo))
        {
            return false;
        }

        ((delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<byte*, void>, void>)setError)(&OnJackError);
        ((delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<byte*, void>, void>)setInfo)(&OnJackInfo);
        StartDrain();
        return true;
    }

    /// <summary>
    /// Installs the host's error handler in alsa-lib (<c>snd_lib_error_set_handler</c>; once per process, later calls
    /// re-assert it). False when not on Linux or alsa-lib is not installed. Audio thread: no.
    /// </summary>
    public static bool InstallAlsa()
    {
        if (!OperatingSystem.IsLinux()
            || !NativeLibraryResolver.TryLoad(typeof(NativeDiagnostics).Assembly, KnownNativeLibraries.Asound, out nint alsa, out _)
            || !NativeLibrary.TryGetExport(alsa, "snd_lib_error_set_handler", out nint setHandler))
        {
            return false;
        }

        _ = ((delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<byte*, int, byte*, int, byte*, nint, nint, nint, nint, nint, nint, void>, int>)setHandler)(&OnAlsaError);
        StartDrain();
        return true;
    }

    /// <summary>
    /// The address of the function the host installs in libjack (<c>jack_error_callback</c> holds it once
    /// <see cref="InstallJack"/> ran), for checks. Audio thread: yes.
    /// </summary>
    public static nint JackErrorFunction => (nint)(delegate* unmanaged[Cdecl]<byte*, void>)&OnJackError;

    /// <summary>
    /// Routes the lines of <paramref name="source"/> (<see cref="Jack"/> or <see cref="Alsa"/>) that no capture takes
    /// to <paramref name="logger"/> until the returned subscription is disposed; the last subscription not yet disposed
    /// is the current one. A plugin subscribes while it holds the library's clients or streams, and disposes before its
    /// context may unload (the logger is then no longer referenced here). Installs the library's function. Audio thread: no.
    /// </summary>
    /// <param name="source"><see cref="Jack"/> or <see cref="Alsa"/>.</param>
    /// <param name="logger">Where the lines go (libjack errors and alsa-lib lines as warnings, libjack information as debug).</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> is neither.</exception>
    public static IDisposable Subscribe(string source, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        Install(source);
        var token = new NativeDiagnosticsSubscription(source);
        lock (Drain)
        {
            Subscribers.Add((source, logger, token));
        }

        return token;
    }

    /// <summary>
    /// Runs <paramref name="call"/> (e.g. a <c>jack_client_open</c>) with the lines that <paramref name="source"/> prints
    /// on this thread meanwhile taken out of the log and returned, so the caller reports the failure in its own words.
    /// Lines printed by other threads meanwhile are routed as usual; captures nest (the innermost of a source takes the lines). Installs (re-asserts) the library's function before
    /// the call and after it (the call may have installed another one). The delegate is not kept. Audio thread: no.
    /// </summary>
    /// <returns>What <paramref name="call"/> returned, and the captured lines joined by "; " ("" when none).</returns>
    public static (T Result, string Lines) Capture<T>(string source, Func<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        Install(source);
        (int, string) key = (Environment.CurrentManagedThreadId, source);
        var lines = new List<string>();
        List<string>? outer;
        lock (Drain)
        {
            DrainLocked(); // what this thread printed before the call is not the call's: route it first
            outer = Captures.GetValueOrDefault(key);
            Captures[key] = lines;
        }

        T result;
        try
        {
            result = call();
        }
        finally
        {
            Install(source);
            lock (Drain)
            {
                DrainLocked();
                if (outer is null)
                {
                    Captures.Remove(key);
                }
                else
                {
                    Captures[key] = outer; // a nested capture of the same source: the outer one takes what follows
                }
            }
        }

        return (result, string.Join("; ", lines));
    }

    /// <summary>Routes every line in the ring now (the drain thread does it every <see cref="DrainIntervalMs"/>). Audio thread: no.</summary>
    public static void Flush()
    {
        lock (Drain)
        {
            DrainLocked();
        }
    }

    /// <summary>Ends a subscription (called by <see cref="NativeDiagnosticsSubscription.Dispose"/>).</summary>
    internal static void Unsubscribe(NativeDiagnosticsSubscription token)
    {
        lock (Drain)
        {
            DrainLocked(); // what was printed while it was current is its own
            Subscribers.RemoveAll(s => ReferenceEquals(s.Token, token));
        }
    }

    private static void Install(string source)
    {
        switch (source)
        {
            case Jack:
                _ = InstallJack();
                break;
            case Alsa:
                _ = InstallAlsa();
                break;
            default:
                throw new ArgumentException($"unknown native diagnostics source '{source}' (expected '{Jack}' or '{Alsa}')", nameof(source));
        }
    }

    private static void StartDrain()
    {
        if (Volatile.Read(ref _drainThread) is not null)
        {
            return;
        }

        lock (Drain)
        {
            if (_drainThread is null)
            {
                var thread = new Thread(DrainLoop) { IsBackground = true, Name = "native diagnostics" };
                thread.Start();
                Volatile.Write(ref _drainThread, thread);
            }
        }
    }

    private static void DrainLoop()
    {
        while (true)
        {
            Thread.Sleep(DrainIntervalMs);
            lock (Drain)
            {
                DrainLocked();
                long now = Environment.TickCount64;
                for (int w = 0; w < Windows.Length; w++)
                {
                    SummariseLocked(w == 0 ? Jack : Alsa, Windows[w], now);
                }
            }
        }
    }

    private static void DrainLocked()
    {
        long now = Environment.TickCount64;
        while (Ring.TryRead(out int source, out int thread, out string? line))
        {
            if (line.Length == 0)
            {
                continue;
            }

            string name = source == SourceAlsa ? Alsa : Jack;
            if (Captures.TryGetValue((thread, name), out List<string>? capture))
            {
                capture.Add(line);
                continue;
            }

            ILogger? logger = CurrentLoggerLocked(name);
            if (logger is null)
            {
                Console.Error.WriteLine(source == SourceAlsa ? $"ALSA lib {line}" : line);
                continue;
            }

            RateWindow window = Windows[source == SourceAlsa ? 1 : 0];
            SummariseLocked(name, window, now);
            if (window.Lines >= LinesPerInterval)
            {
                window.Suppressed++;
                continue;
            }

            window.Lines++;
            if (source == SourceJackInfo)
            {
                logger.LogDebug("libjack: {Line}", line);
            }
            else if (source == SourceJackError)
            {
                logger.LogWarning("libjack: {Line}", line);
            }
            else
            {
                logger.LogWarning("alsa-lib: {Line}", line);
            }
        }
    }

    // Rolls the window of a source; when the past window suppressed lines, says how many, once.
    private static void SummariseLocked(string source, RateWindow window, long now)
    {
        if (now - window.StartMs < IntervalMs)
        {
            return;
        }

        if (window.Suppressed > 0 && CurrentLoggerLocked(source) is ILogger logger)
        {
            logger.LogWarning("{Source}: {Count} more lines suppressed in {Seconds:F1} s", source == Alsa ? "alsa-lib" : "libjack",
                window.Suppressed, (now - window.StartMs) / 1000.0);
        }

        window.StartMs = now;
        window.Lines = 0;
        window.Suppressed = 0;
    }

    private static ILogger? CurrentLoggerLocked(string source)
    {
        for (int i = Subscribers.Count - 1; i >= 0; i--)
        {
            if (Subscribers[i].Source == source)
            {
                return Subscribers[i].Logger;
            }
        }

        return null;
    }

    /// <summary>libjack's error function, <c>void (*)(const char*)</c>. Any thread, real-time safe.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnJackError(byte* line) => Put(SourceJackError, line);

    /// <summary>libjack's information function, <c>void (*)(const char*)</c>. Any thread, real-time safe.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnJackInfo(byte* line) => Put(SourceJackInfo, line);

    /// <summary>
    /// alsa-lib's <c>snd_lib_error_handler_t</c>, <c>void (*)(const char* file, int line, const char* function, int err,
    /// const char* fmt, ...)</c>. The variadic arguments are read as the integer-class parameters that follow
    /// <paramref name="format"/>: on the SysV x86-64 and AArch64 Linux conventions a variadic integer or pointer
    /// argument travels exactly where a fixed one of that position would (r9 then the stack; x5–x7 then the stack).
    /// Only as many are used as the format names. Any thread, real-time safe.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnAlsaError(byte* file, int line, byte* function, int error, byte* format, nint a0, nint a1, nint a2, nint a3, nint a4, nint a5)
    {
        if (!Ring.TryClaim(out int slot, out byte* text))
        {
            return;
        }

        var w = new AlsaLineWriter(text, NativeDiagnosticRing.TextBytes);
        w.CString(file);
        w.Byte((byte)':');
        w.Integer(line);
        w.Byte((byte)':');
        w.Byte((byte)'(');
        w.CString(function);
        w.Byte((byte)')');
        w.Byte((byte)' ');
        nint* args = stackalloc nint[6] { a0, a1, a2, a3, a4, a5 };
        w.Format(format, args, 6);
        if (error != 0)
        {
            w.Bytes(": error "u8);
            w.Integer(error);
        }

        Ring.Publish(slot, SourceAlsa, Environment.CurrentManagedThreadId, w.Length);
    }

    private static void Put(int source, byte* line)
    {
        if (line == null || !Ring.TryClaim(out int slot, out byte* text))
        {
            return;
        }

        int n = 0;
        while (n < NativeDiagnosticRing.TextBytes && line[n] != 0)
        {
            text[n] = line[n];
            n++;
        }

        Ring.Publish(slot, source, Environment.CurrentManagedThreadId, n);
    }

    private sealed class RateWindow
    {
        public long StartMs = Environment.TickCount64;
        public int Lines;
        public long Suppressed;
    }
}
