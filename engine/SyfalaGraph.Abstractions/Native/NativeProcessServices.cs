using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SyfalaGraph.Abstractions.Native;

// Why here and static: a native library's process-wide state (libjack's server globals, PortAudio's
// Pa_Initialize count) has one identity per process, so its lock and reference count must too. A static of a
// plugin assembly exists once per loaded plugin version (hot reload loads a new copy in a new collectible
// context) and once per plugin (Jack and PortAudio both open JACK clients). This contract assembly is loaded
// once, by the host, outside every collectible context - the same reason NativeLibraryResolver's registry lives
// here - and it is reachable from every place a plugin touches native state, including its device catalog
// (created with no services) and static interop helpers. It stores host types only (string keys, Lock, int),
// never a plugin delegate, so it keeps no unloaded plugin alive.

/// <summary>
/// Process-wide state of native libraries, shared by every plugin and every version of a plugin across hot
/// reloads: one lock per library name and a reference-counted initialise/terminate per library name.
/// Library names are the ones used in <c>[LibraryImport]</c> declarations (<c>"jack"</c>, <c>"portaudio"</c>,
/// …), compared ordinally. Audio thread: no (every member may block on a lock).
/// </summary>
public static class NativeProcessServices
{
    private static readonly ConcurrentDictionary<string, Lock> Gates = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, StrongBox<int>> References = new(StringComparer.Ordinal);

    /// <summary>
    /// The lock of <paramref name="library"/>: the same instance for every caller of the process. Hold it around
    /// calls that change the library's process-wide state (e.g. every JACK client open, close, port registration,
    /// activation, and the swap of libjack's error functions). <see cref="Lock"/> is reentrant. Audio thread: no.
    /// </summary>
    /// <param name="library">The library name, e.g. <c>"jack"</c>.</param>
    public static Lock GateOf(string library)
    {
        ArgumentNullException.ThrowIfNull(library);
        return Gates.GetOrAdd(library, static _ => new Lock());
    }

    /// <summary>
    /// Takes one hold on <paramref name="library"/>'s initialised state: the first holder of the process runs
    /// <paramref name="initialise"/> under the library's gate (<see cref="GateOf"/>). When it throws, nothing is
    /// held and the exception propagates (the next caller tries again). Audio thread: no.
    /// </summary>
    /// <param name="library">The library name, e.g. <c>"portaudio"</c>.</param>
    /// <param name="initialise">Initialises the library (e.g. calls <c>Pa_Initialize</c>); throws on failure.</param>
    public static void Acquire(string library, Action initialise)
    {
        ArgumentNullException.ThrowIfNull(initialise);
        StrongBox<int> count = CountOf(library);
        lock (GateOf(library))
        {
            if (count.Value == 0)
            {
                initialise();
            }

            count.Value++;
        }
    }

    /// <summary>
    /// Releases one hold; the last holder of the process runs <paramref name="terminate"/> under the library's
    /// gate. Does nothing when nothing is held. The caller passes its own terminate, so no delegate of a plugin
    /// that may be unloaded later is kept here. Audio thread: no.
    /// </summary>
    /// <param name="library">The library name, e.g. <c>"portaudio"</c>.</param>
    /// <param name="terminate">Terminates the library (e.g. calls <c>Pa_Terminate</c>).</param>
    public static void Release(string library, Action terminate)
    {
        ArgumentNullException.ThrowIfNull(terminate);
        StrongBox<int> count = CountOf(library);
        lock (GateOf(library))
        {
            if (count.Value == 0)
            {
                return;
            }

            count.Value--;
            if (count.Value == 0)
            {
                terminate();
            }
        }
    }

    /// <summary>Number of holds on <paramref name="library"/> in the process (0 when never acquired). Audio thread: no.</summary>
    /// <param name="library">The library name.</param>
    public static int ReferencesOf(string library)
    {
        StrongBox<int> count = CountOf(library);
        lock (GateOf(library))
        {
            return count.Value;
        }
    }

    private static StrongBox<int> CountOf(string library)
    {
        ArgumentNullException.ThrowIfNull(library);
        return References.GetOrAdd(library, static _ => new StrongBox<int>());
    }
}
