using System.Diagnostics.Metrics;
using System.Net;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Plugins.Syfala.Tools;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>Metrics instruments, and the discover/probe tools against a running server.</summary>
[Collection("Loopback")]
public sealed class MetricsAndToolsTests
{
    private static readonly SyfalaStreamParameters[] Stereo = [new() { Channels = 2, SampleType = SampleType.I16 }];

    private static LoopbackRig Running()
    {
        var rig = LoopbackRig.Start(
            new SyfalaServerParameters { Bind = "127.0.0.1:0", Inputs = Stereo, Outputs = Stereo, LatencyFrames = 1024 },
            server => new SyfalaClientParameters { Server = server, Inputs = Stereo, Outputs = Stereo, LatencyFrames = 1024 });
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        return rig;
    }

    [Fact]
    public void Counters_are_published_as_metrics_tagged_with_node_and_peer()
    {
        using LoopbackRig rig = Running();
        for (int i = 0; i < 300; i++)
        {
            rig.RunBlock();
        }

        var seen = new Dictionary<string, (double Value, string Node, string Peer)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, rig.Server.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string node = "", peer = "";
            foreach (KeyValuePair<string, object?> t in tags)
            {
                node = t.Key == "node" ? (string)t.Value! : node;
                peer = t.Key == "peer" ? (string)t.Value! : peer;
            }

            seen[instrument.Name] = (value, node, peer);
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.True(seen["syfala.datagrams.received"].Value > 100);
        Assert.True(seen["syfala.bytes.sent"].Value > 10_000);
        Assert.Equal(0, seen["syfala.lost"].Value);
        Assert.True(seen.ContainsKey("syfala.jitter") && seen.ContainsKey("syfala.jitter_buffer.fill"));
        Assert.Equal(0, seen["syfala.resyncs"].Value + seen["syfala.jumps.rejected"].Value + seen["syfala.off_stream"].Value);
        Assert.True(seen.ContainsKey("syfala.starved_blocks"));
        Assert.Equal("server", seen["syfala.late"].Node);
        Assert.Equal($"127.0.0.1:{rig.Client.LocalEndPoint!.Port}", seen["syfala.duplicates"].Peer);
    }

    [Fact]
    public async Task Probe_and_discover_read_the_formats_and_leave_the_server_clean()
    {
        using LoopbackRig rig = Running();
        var server = new IPEndPoint(IPAddress.Loopback, rig.Server.LocalEndPoint!.Port);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StreamFormats? formats = await SyfalaProbe.ProbeAsync(server, TimeSpan.FromSeconds(2), ct);
        Assert.Equal(rig.Server.Formats, formats);
        IReadOnlyList<DiscoveredServer> found = await SyfalaProbe.DiscoverAsync(server, TimeSpan.FromMilliseconds(300), ct);
        Assert.Equal(server, Assert.Single(found).EndPoint);
        Assert.Equal(rig.Server.Formats, found[0].Formats);
        Assert.True(rig.RunUntil(r => r.Server.ConnectedClients == 1, TimeSpan.FromSeconds(1)), "the probes' sessions were not removed");
        // The client, then the probe and discover: each connects (a Connect is answered with a connection result) and disconnects.
        Assert.Equal(3, rig.ServerEvents.Count(NodeEventKind.PeerConnected));
        Assert.Equal(2, rig.ServerEvents.Count(NodeEventKind.PeerDisconnected));
        Assert.True(rig.Client.IsRunningIO && rig.Server.IsRunningIO);
        Assert.Null(await SyfalaProbe.ProbeAsync(new IPEndPoint(IPAddress.Loopback, 9), TimeSpan.FromMilliseconds(300), ct));
    }
}
