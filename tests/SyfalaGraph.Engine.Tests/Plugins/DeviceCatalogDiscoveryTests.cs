using System.Runtime.CompilerServices;
using SyfalaGraph.Abstractions.Devices;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Engine.Tests.Plugins;

/// <summary>A catalog the registry must find: public, concrete, parameterless constructor.</summary>
public sealed class DiscoverableCatalog : IDeviceCatalog
{
    public string Backend => "Test";

    public DeviceListing List() => new([new DeviceInfo("dev", "group", 1, 2, 48000)]);
}

/// <summary>Not found: needs an argument.</summary>
public sealed class CatalogWithArguments(string backend) : IDeviceCatalog
{
    public string Backend => backend;

    public DeviceListing List() => new([]);
}

/// <summary>Not found: abstract.</summary>
public abstract class AbstractCatalog : IDeviceCatalog
{
    public string Backend => "Abstract";

    public abstract DeviceListing List();
}

/// <summary>Not found: not public.</summary>
internal sealed class InternalCatalog : IDeviceCatalog
{
    public string Backend => "Internal";

    public DeviceListing List() => new([]);
}

public class DeviceCatalogDiscoveryTests
{
    [Fact]
    public void Only_public_concrete_catalogs_with_a_parameterless_constructor_are_registered_and_removed_with_their_plugin()
    {
        var registry = new NodeTypeRegistry();
        registry.AddAssembly(typeof(DiscoverableCatalog).Assembly, "tests");
        PluginTypeDescriptor<IDeviceCatalog> d = Assert.Single(registry.DeviceCatalogs);
        Assert.Equal(typeof(DiscoverableCatalog), d.ImplementationType);
        Assert.Equal("tests", d.PluginName);

        // Instances are created on demand, a new one each time.
        IDeviceCatalog catalog = d.Create();
        Assert.NotSame(catalog, d.Create());
        Assert.Equal("dev", Assert.Single(catalog.List().Devices).Name);

        // Adding the same plugin again replaces its catalogs instead of duplicating them.
        registry.AddAssembly(typeof(DiscoverableCatalog).Assembly, "tests");
        Assert.Single(registry.DeviceCatalogs);

        registry.RemovePlugin("tests");
        Assert.Empty(registry.DeviceCatalogs);
        _ = new InternalCatalog().List(); // used, so the analyzers keep it
    }

    [Fact]
    public void The_portaudio_plugin_catalog_is_found_lists_and_does_not_pin_the_unloaded_context()
    {
        string dir = RepoPaths.NewTempDir("plugins");
        PluginHostTests.CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "PortAudio"), Path.Combine(dir, "PortAudio"));
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(dir, registry);
        (WeakReference weak, string backend) = LoadListAndUnload(host, registry);
        Assert.Equal("PortAudio", backend);
        for (int i = 0; i < 50 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(100);
        }

        Assert.False(weak.IsAlive, "the unloaded PortAudio plugin context was not collected within 5 s after its catalog listed devices");
        Assert.Empty(registry.DeviceCatalogs);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference, string) LoadListAndUnload(PluginHost host, NodeTypeRegistry registry)
    {
        Assert.Empty(host.LoadAll());
        PluginTypeDescriptor<IDeviceCatalog> d = Assert.Single(registry.DeviceCatalogs);
        Assert.Equal("PortAudio", d.PluginName);
        IDeviceCatalog catalog = d.Create();
        DeviceListing listing = catalog.List();

        // Whatever this machine has (no card: an empty list with a Problem), the listing is an answer, not an exception.
        Assert.True(listing.Devices.Count > 0 || !string.IsNullOrEmpty(listing.Problem));
        return (host.Unload("PortAudio")!, catalog.Backend);
    }
}
