using System.Text;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Plugins.Jack.Interop;

namespace SyfalaGraph.Plugins.Jack.Internal;

/// <summary>
/// Opens a JACK client without ever starting a server (<c>JackNoStartServer</c>) and turns a failure into a message
/// with a hint; what libjack prints meanwhile on this thread is captured by the host (<see cref="NativeDiagnostics.Capture"/>), not logged. With no
/// server name, libjack itself uses <c>JACK_DEFAULT_SERVER</c>, else "default". Audio thread: no.
/// </summary>
internal static unsafe class JackClientOpener
{
    /// <summary>The server a null <paramref name="serverName"/> reaches: <c>JACK_DEFAULT_SERVER</c>, else "default".</summary>
    public static string EffectiveServerName(string? serverName) =>
        !string.IsNullOrEmpty(serverName) ? serverName
        : Environment.GetEnvironmentVariable("JACK_DEFAULT_SERVER") is { Length: > 0 } env ? env
        : "default";

    /// <summary>Opens a client; returns 0 and a message (with a hint) when the server cannot be reached.</summary>
    /// <param name="clientName">The wished client name (JACK may append a suffix when taken).</param>
    /// <param name="serverName">The server name, or null for <c>JACK_DEFAULT_SERVER</c> / "default".</param>
    /// <param name="error">Why it failed, for the user.</param>
    /// <exception cref="SyfalaGraph.Abstractions.Nodes.NodeException">libjack is missing (the message names the package).</exception>
    public static nint TryOpen(string clientName, string? serverName, out string? error)
    {
        byte[] name = Utf8(clientName);
        byte[]? server = string.IsNullOrEmpty(serverName) ? null : Utf8(serverName);
        int status = 0;
        JackNative.EnsureLoaded();
        (nint client, string libjackSaid) = NativeDiagnostics.Capture(NativeDiagnostics.Jack, () => Open(name, server, out status));
        if (client != 0)
        {
            error = null;
            return client;
        }

        string server2 = EffectiveServerName(serverName);
        string start = server2 == "default" ? "jackd -d dummy -r 48000 -p 64" : $"jackd -n {server2} -d dummy -r 48000 -p 64";

        // libjack's own lines only restate a missing server; for any other failure they are the detail worth keeping.
        error = (status & (JackNative.JackServerFailed | JackNative.JackServerError)) != 0 || status == (JackNative.JackFailure)
            ? $"no JACK server named '{server2}' is running ({JackNative.DescribeStatus(status)}); start one with `{start}` " +
              "(or `-d alsa` for a sound card), or set server_name / JACK_DEFAULT_SERVER to a running server"
            : $"cannot open JACK client '{clientName}' on server '{server2}': {JackNative.DescribeStatus(status)}" +
              (libjackSaid.Length > 0 ? $" (libjack: {libjackSaid})" : "");
        return 0;
    }

    private static nint Open(byte[] clientName, byte[]? serverName, out int status)
    {
        int s = 0;
        nint client;
        fixed (byte* pName = clientName)
        fixed (byte* pServer = serverName)
        {
            client = serverName is null
                ? JackNative.ClientOpen(pName, JackNative.JackNoStartServer, &s)
                : JackNative.ClientOpen(pName, JackNative.JackNoStartServer | JackNative.JackServerName, &s, pServer);
        }

        status = s;
        return client;
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>. Allocates.</summary>
    public static byte[] Utf8(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
