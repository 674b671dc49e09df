namespace SyfalaGraph.Abstractions.Devices;

/// <summary>What a <see cref="IDeviceCatalog"/> found.</summary>
/// <param name="Devices">The devices or ports, in the backend's order.</param>
/// <param name="Problem">Why the backend could not be listed (with a hint), or null.</param>
public sealed record DeviceListing(IReadOnlyList<DeviceInfo> Devices, string? Problem = null);
