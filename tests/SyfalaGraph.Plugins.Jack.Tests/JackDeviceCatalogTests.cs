using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Abstractions.Devices;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.Jack.Tests;

/// <summary>The JACK port catalog of <c>syfala-graph devices</c>, against a real jackd.</summary>
public sealed class JackDeviceCatalogTests
{
    [Fact]
    public void Lists_every_port_with_its_client_direction_and_the_server_rate()
    {
        using JackServer server = JackServer.Start("sg-catalog", sampleRate: 44100);
        using ServiceProvider services = JackGraphs.Services();
        using var runtime = GraphRuntime.Create(JackGraphs.Load($$"""
            version: 1
            settings: { sample_rate: auto, clock: jack }
            nodes:
              jack: { type: jack.client, params: { client_name: listed, server_name: {{server.Name}}, input_names: [left, right], outputs: 1 } }
              gain: { type: gain }
            links:
              - jack.capture -> gain.in
              - gain.out[0] -> jack.playback
            """), services);
        runtime.Start();

        IDeviceCatalog catalog = new JackDeviceCatalog(server.Name);
        DeviceListing listing = catalog.List();
        runtime.Stop();
        foreach (DeviceInfo d in listing.Devices)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{d.Group} | {d.Name} | in {d.InputChannels} out {d.OutputChannels} | {d.DefaultSampleRate} Hz | {d.Details}");
        }

        Assert.Equal("JACK", catalog.Backend);
        Assert.Null(listing.Problem);
        string[] expected = ["listed:left", "listed:out_1", "listed:right", "system:capture_1", "system:capture_2", "system:playback_1", "system:playback_2"];
        Assert.Equal(expected, listing.Devices.Select(d => d.Name).Order(StringComparer.Ordinal).ToArray());
        DeviceInfo capture = listing.Devices.Single(d => d.Name == "system:capture_1");
        Assert.Equal(("system", 1, 0, (double?)44100), (capture.Group, capture.InputChannels, capture.OutputChannels, capture.DefaultSampleRate));
        Assert.Contains("physical", capture.Details, StringComparison.Ordinal);
        DeviceInfo left = listing.Devices.Single(d => d.Name == "listed:left");
        Assert.Equal(("listed", 0, 1), (left.Group, left.InputChannels, left.OutputChannels));
        DeviceInfo out1 = listing.Devices.Single(d => d.Name == "listed:out_1");
        Assert.Equal(("listed", 1, 0), (out1.Group, out1.InputChannels, out1.OutputChannels));
        Assert.DoesNotContain(listing.Devices, d => d.Group == JackDeviceCatalog.QueryClientName);
    }

    [Fact]
    public void A_missing_server_is_a_problem_not_an_exception()
    {
        string name = "sg-none-" + Guid.NewGuid().ToString("N")[..6];
        DeviceListing listing = new JackDeviceCatalog(name).List();
        TestContext.Current.TestOutputHelper?.WriteLine(listing.Problem ?? "(no problem)");
        Assert.Empty(listing.Devices);
        Assert.NotNull(listing.Problem);
        Assert.Contains($"no JACK server named '{name}' is running", listing.Problem, StringComparison.Ordinal);
        Assert.Contains("jackd -n", listing.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_can_create_the_catalog_public_and_parameterless()
    {
        Assert.NotNull(typeof(JackDeviceCatalog).GetConstructor(Type.EmptyTypes));
        Assert.True(typeof(JackDeviceCatalog).IsPublic);
    }
}
