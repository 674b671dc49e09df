namespace SyfalaGraph.Abstractions.Devices;

/// <summary>
/// What a backend plugin can reach (sound cards, JACK ports…), listed by <c>syfala-graph devices</c>.
/// A plugin exposes one by declaring a public, concrete class that implements this interface and has a
/// parameterless constructor; the host finds it when it loads the plugin.
/// </summary>
public interface IDeviceCatalog
{
    /// <summary>The backend's display name ("PortAudio", "JACK").</summary>
    string Backend { get; }

    /// <summary>
    /// Lists the devices or ports reachable now. Audio thread: no (may open the native library, query a server).
    /// </summary>
    /// <returns>The devices, or an empty list with <see cref="DeviceListing.Problem"/> set when the backend cannot
    /// be reached (library missing, no server running) — never an exception for those.</returns>
    DeviceListing List();
}
