using System.Diagnostics;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary><c>control: tcp</c>: COBS-framed control over TCP, audio over UDP, on loopback.</summary>
[Collection("Loopback")]
public sealed class TcpControlTests(ITestOutputHelper output)
{
    private static readonly SyfalaStreamParameters[] Mono = [new() { Channels = 1, SampleType = SampleType.F32 }];

    private static SyfalaServerParameters Server() => new()
    {
        Bind = "127.0.0.1:0", Inputs = Mono, Outputs = Mono, LatencyFrames = 2048, Control = SyfalaControlTransport.Tcp,
    };

    private static Func<string, SyfalaClientParameters> Client() => server => new()
    {
        Server = server, Inputs = Mono, Outputs = Mono, LatencyFrames = 2048, Control = SyfalaControlTransport.Tcp,
    };

    private static void Constant(LoopbackRig r)
    {
        r.ClientIn[0].Samples.AsSpan().Fill(0.25f);
        r.ServerIn[0].Samples.AsSpan().Fill(-0.5f);
    }

    [Fact]
    public void Control_travels_over_TCP_and_audio_over_UDP_both_ways()
    {
        using var rig = LoopbackRig.Start(Server(), Client());
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)), "no I/O session over TCP control");
        Action<LoopbackRig> constant = Constant;
        Assert.True(rig.RunUntil(r => r.ServerOut[0].Samples[0] == 0.25f && r.ClientOut[0].Samples[0] == -0.5f, TimeSpan.FromSeconds(3), constant));
        for (int i = 0; i < 100; i++)
        {
            rig.RunBlock(constant); // heartbeats flow for a while
        }

        Assert.Equal(1, rig.Server.TcpControlConnections);
        Assert.Equal(0, Volatile.Read(ref rig.Server.Audio!.Statistics.ControlQueued)); // nothing came by UDP control
        Assert.Equal(0, Volatile.Read(ref rig.Client.Audio!.Statistics.ControlQueued));
        Assert.True(rig.Client.IsRunningIO && rig.Server.IsRunningIO);
        output.WriteLine($"server {rig.Server.Statistics}");
    }

    [Fact]
    public void A_closed_TCP_connection_is_a_disconnect_and_the_client_reconnects_to_a_new_server()
    {
        SyfalaServerParameters server = Server();
        using var rig = LoopbackRig.Start(server, Client());
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        int port = rig.Server.LocalEndPoint!.Port;
        long killed = Stopwatch.GetTimestamp();
        rig.KillServer();
        Assert.True(rig.RunUntil(r => r.ClientEvents.Count(NodeEventKind.PeerDisconnected) == 1, TimeSpan.FromSeconds(3)));
        double ms = (rig.ClientEvents.Events.First(e => e.Event.Kind == NodeEventKind.PeerDisconnected).Ticks - killed) * 1000.0 / Stopwatch.Frequency;
        output.WriteLine($"TCP close reported after {ms:F1} ms (no need to wait for timeout_ms)");
        Assert.True(ms < 400, $"{ms} ms");
        rig.RestartServer(server with { Bind = $"127.0.0.1:{port}" });
        Action<LoopbackRig> constant = Constant;
        Assert.True(rig.RunUntil(r => r.ClientOut[0].Samples[0] == -0.5f, TimeSpan.FromSeconds(5), constant), "no audio after the server came back");
        Assert.Equal(2, rig.ClientEvents.Count(NodeEventKind.PeerConnected));
    }
}
