using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Plugins.Jack.Interop;

namespace SyfalaGraph.Plugins.Jack.Internal;

// Design: jackd2's libjack keeps process-wide globals (the server's shared-memory engine and graph) that are
// created by the first jack_client_open of the process and freed by the last jack_client_close. A client opened on
// a second server while a client of the first is open silently shares the first server's globals: it sees the
// first server's ports (measured here) and the process can crash. The same goes for a client re-opened on a
// restarted server while a client of the dead server is still open. So every open and close of the process goes
// through one host-owned lock, clients of a second server are refused with a clear message, and re-opening waits until no
// other client of a dead server is left open. Port registration, activation and deactivation take the same lock,
// so the process's clients change state one at a time.
// Known issue, not understood: with two clients in one process, after a jackd restart one of the re-opened clients
// is occasionally (about 1 run in 10 here) activated but its process thread is never woken ("client = x was not
// finished, state = Triggered" in jackd's log). Serialising open/register/activate did not change the rate. The
// node works around it: a re-opened client not run within 1 s is closed and opened again (a fresh client is run),
// up to 5 times, then reported as an error.

/// <summary>
/// Opens and closes every JACK client of the process under one lock, and enforces libjack's "one server per
/// process" limit. Audio thread: no.
/// </summary>
internal static class JackProcessClients
{
    /// <summary>
    /// Held around every client life-cycle call of the process (open, close, port registration, activation,
    /// deactivation). Reentrant. Take a node's own lock before this one, never after. Never on the audio thread.
    /// The host's gate of libjack (<see cref="NativeProcessServices.GateOf"/>): one instance for every version of
    /// this plugin across hot reloads and for the PortAudio plugin, whose JACK host API opens clients too.
    /// </summary>
    public static Lock Gate { get; } = NativeProcessServices.GateOf(JackNative.Library);

    private static readonly Dictionary<nint, JackClientNode?> Clients = [];
    private static string? _server;

    /// <summary>Number of clients open in this process (for tests).</summary>
    public static int OpenCount
    {
        get
        {
            lock (Gate)
            {
                return Clients.Count;
            }
        }
    }

    /// <summary>Opens a client (never starting a server); 0 with a message when it cannot.</summary>
    /// <param name="clientName">The wished client name.</param>
    /// <param name="serverName">The server name, or null for <c>JACK_DEFAULT_SERVER</c> / "default".</param>
    /// <param name="owner">The node that owns the client (its <see cref="JackClientNode.ServerDown"/> is consulted), or null.</param>
    /// <param name="error">Why it failed, for the user.</param>
    /// <exception cref="SyfalaGraph.Abstractions.Nodes.NodeException">libjack is missing (the message names the package).</exception>
    public static nint Open(string clientName, string? serverName, JackClientNode? owner, out string? error)
    {
        string server = JackClientOpener.EffectiveServerName(serverName);
        lock (Gate)
        {
            if (Clients.Count > 0 && _server != server)
            {
                error = $"this process already has JACK clients on server '{_server}', and libjack (jackd2) serves one server per process: " +
                        $"run the graph that uses server '{server}' in a process of its own";
                return 0;
            }

            foreach ((nint _, JackClientNode? other) in Clients)
            {
                if (other is not null && other != owner && other.ServerDown)
                {
                    error = $"a client of the dead server '{server}' is still open in this process; waiting for it to close";
                    return 0;
                }
            }

            nint client = JackClientOpener.TryOpen(clientName, serverName, out error);
            if (client != 0)
            {
                Clients[client] = owner;
                _server = server;
            }

            return client;
        }
    }

    /// <summary>Closes a client opened by <see cref="Open"/> (<c>jack_client_close</c>: deactivates it if needed; no callback runs afterwards).</summary>
    public static void Close(nint client)
    {
        if (client == 0)
        {
            return;
        }

        lock (Gate)
        {
            // Closing a client whose server died makes libjack print "Server is not running": we have said so already.
            _ = NativeDiagnostics.Capture(NativeDiagnostics.Jack, () => JackNative.ClientClose(client));
            Clients.Remove(client);
        }
    }
}
