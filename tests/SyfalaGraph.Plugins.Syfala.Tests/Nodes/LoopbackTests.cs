using System.Diagnostics;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Dsp.Formats;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>Server and client over real UDP sockets on 127.0.0.1, driven in real time.</summary>
[Collection("Loopback")]
public sealed class LoopbackTests(ITestOutputHelper output)
{
    private static SyfalaStreamParameters Stream(int channels, SampleType type) => new() { Channels = channels, SampleType = type };

    // exact: no drift compensation, so samples cross bit-exact (both peers run on this machine's clock anyway).
    private static SyfalaServerParameters ServerParams(IReadOnlyList<SyfalaStreamParameters> inputs, IReadOnlyList<SyfalaStreamParameters> outputs, int latency = 256,
        bool exact = false) => new()
    {
        Bind = "127.0.0.1:0",
        Inputs = inputs,
        Outputs = outputs,
        LatencyFrames = latency,
        DriftCompensation = !exact,
        Allow = ["127.0.0.0/8"],
    };

    private static Func<string, SyfalaClientParameters> ClientParams(IReadOnlyList<SyfalaStreamParameters> inputs, IReadOnlyList<SyfalaStreamParameters> outputs,
        int latency = 256, SyfalaChaosParameters? chaos = null, bool exact = false) => server => new()
        {
            Server = server,
            Inputs = inputs,
            Outputs = outputs,
            LatencyFrames = latency,
            DriftCompensation = !exact,
            Chaos = chaos ?? new(),
        };

    private static bool BothRunning(LoopbackRig r) => r.Client.IsRunningIO && r.Server.IsRunningIO;

    /// <summary>Feeds <paramref name="signal"/> (mono) into <paramref name="port"/>[0] from now on; records the opposite output.</summary>
    private static (float[] Received, int Blocks) Stream(LoopbackRig rig, float[] signal, bool clientToServer, double tailSeconds)
    {
        var received = new List<float>();
        int position = 0;
        int blocks = (int)Math.Ceiling((signal.Length + (tailSeconds * LoopbackRig.Rate)) / rig.Block);
        for (int b = 0; b < blocks; b++)
        {
            rig.RunBlock(
                r =>
                {
                    Span<float> dst = (clientToServer ? r.ClientIn : r.ServerIn)[0].GetChannel(0, r.Block);
                    int n = Math.Clamp(signal.Length - position, 0, r.Block);
                    signal.AsSpan(position, n).CopyTo(dst);
                    dst[n..].Clear();
                    position += n;
                },
                r => received.AddRange((clientToServer ? r.ServerOut : r.ClientOut)[0].GetChannel(0, r.Block).ToArray()));
        }

        return ([.. received], blocks);
    }

    private static void AssertBitExactAfterAlignment(float[] expected, float[] received)
    {
        int firstIn = Array.FindIndex(expected, s => s != 0);
        int firstOut = Array.FindIndex(received, s => s != 0);
        Assert.True(firstOut >= 0, "nothing arrived");
        int offset = firstOut - firstIn;
        Assert.True(offset >= 0 && offset + expected.Length <= received.Length, $"offset {offset}, received {received.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(received[offset + i]))
            {
                Assert.Fail($"frame {i}: sent {expected[i]:R}, received {received[offset + i]:R}");
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_recording_crosses_loopback_bit_exact_in_F32(bool clientToServer)
    {
        (float[] recording, int channels, _) = TestAudio.ReadWithSox(TestAudio.FrontCenterWav);
        Assert.Equal(1, channels);
        SyfalaStreamParameters[] mono = [Stream(1, SampleType.F32)];
        // A deep jitter buffer (341 ms): the machine is shared (CI runs test assemblies in parallel), and one
        // underflow would shift the rest of the stream.
        using var rig = LoopbackRig.Start(ServerParams(mono, mono, latency: 16384, exact: true), ClientParams(mono, mono, latency: 16384, exact: true));
        Assert.True(rig.RunUntil(BothRunning, TimeSpan.FromSeconds(5)), "no I/O session within 5 s");
        (float[] received, _) = Stream(rig, recording, clientToServer, tailSeconds: 0.8);
        SyfalaStatistics receiver = clientToServer ? rig.Server.Statistics : rig.Client.Statistics;
        Assert.True(receiver.Underflows == 0, $"the jitter buffer ran dry (the test thread stalled for more than 341 ms): {receiver}");
        AssertBitExactAfterAlignment(recording, received);
        SyfalaStatistics at = clientToServer ? rig.Server.Statistics : rig.Client.Statistics;
        output.WriteLine($"{(clientToServer ? "client → server" : "server → client")}: {at}");
        Assert.Equal(0, at.LostBytes);
        Assert.Equal(0, at.Underflows);
        Assert.Equal(1, rig.ClientEvents.Count(NodeEventKind.PeerConnected));
        Assert.Equal(1, rig.ServerEvents.Count(NodeEventKind.PeerConnected));
    }

    [Fact]
    public void Every_sample_type_crosses_the_nodes_both_ways_exactly_as_quantised()
    {
        SampleType[] types = Enum.GetValues<SampleType>();
        SyfalaStreamParameters[] streams = types.Select(t => Stream(2, t)).ToArray();
        using var rig = LoopbackRig.Start(ServerParams(streams, streams, latency: 8192, exact: true), ClientParams(streams, streams, latency: 8192, exact: true));
        Assert.True(rig.RunUntil(BothRunning, TimeSpan.FromSeconds(5)), "no I/O session within 5 s");
        const int Frames = 12_000;
        float Source(int stream, int channel, int frame) =>
            (float)(0.9 * Math.Sin((frame + 1) * (0.01 + (0.003 * stream)) + channel)) + (frame == 0 ? 0.001f : 0f);

        var sentToServer = new List<float>[types.Length];
        var sentToClient = new List<float>[types.Length];
        var atServer = new List<float>[types.Length];
        var atClient = new List<float>[types.Length];
        for (int s = 0; s < types.Length; s++)
        {
            sentToServer[s] = [];
            sentToClient[s] = [];
            atServer[s] = [];
            atClient[s] = [];
        }

        int frame = 0;
        int blocks = (Frames / rig.Block) + 300;
        for (int b = 0; b < blocks; b++)
        {
            rig.RunBlock(
                r =>
                {
                    for (int s = 0; s < types.Length; s++)
                    {
                        for (int f = 0; f < r.Block; f++)
                        {
                            for (int c = 0; c < 2; c++)
                            {
                                float v = frame + f < Frames ? Source(s, c, frame + f) : 0f;
                                r.ClientIn[s].GetChannel(c, r.Block)[f] = v;
                                r.ServerIn[s].GetChannel(c, r.Block)[f] = -v;
                            }
                        }
                    }

                    frame += r.Block;
                },
                r =>
                {
                    for (int s = 0; s < types.Length; s++)
                    {
                        for (int f = 0; f < r.Block; f++)
                        {
                            for (int c = 0; c < 2; c++)
                            {
                                atServer[s].Add(r.ServerOut[s].GetChannel(c, r.Block)[f]);
                                atClient[s].Add(r.ClientOut[s].GetChannel(c, r.Block)[f]);
                            }
                        }
                    }
                });
        }

        for (int s = 0; s < types.Length; s++)
        {
            var source = new float[Frames * 2];
            for (int f = 0; f < Frames; f++)
            {
                source[2 * f] = Source(s, 0, f);
                source[(2 * f) + 1] = Source(s, 1, f);
            }

            Assert.True(rig.Server.Statistics.Underflows + rig.Client.Statistics.Underflows == 0,
                $"jitter buffer underflows (the machine stalled longer than 170 ms): server {rig.Server.Statistics}, client {rig.Client.Statistics}");
            foreach ((float[] expectedSource, List<float> got, string way) in new[] { (source, atServer[s], "client → server"), (source.Select(v => -v).ToArray(), atClient[s], "server → client") })
            {
                var wire = new byte[expectedSource.Length * types[s].BytesPerSample()];
                SampleFormatConverter.EncodeSamples(types[s].ToSampleFormat(), expectedSource, wire);
                var quantised = new float[expectedSource.Length];
                SampleFormatConverter.DecodeSamples(types[s].ToSampleFormat(), wire, quantised);
                float[] received = [.. got];
                int first = Array.FindIndex(received, v => v != 0);
                Assert.True(first >= 0, $"{types[s]} {way}: nothing arrived");
                Assert.True(first % 2 == 0, $"{types[s]} {way}: frames misaligned");
                int firstQuantised = Array.FindIndex(quantised, v => v != 0);
                first -= firstQuantised; // align the first non-zero samples
                int lsbErrors = 0;
                int firstError = -1;
                for (int i = 0; i < quantised.Length; i++)
                {
                    if (quantised[i] != received[first + i])
                    {
                        lsbErrors++;
                        firstError = firstError < 0 ? i : firstError;
                    }
                }

                Assert.True(lsbErrors == 0, $"{types[s]} {way}: {lsbErrors} samples differ from the quantised input, first at {firstError}: " +
                    $"{(firstError >= 0 ? quantised[firstError] : 0)} vs {(firstError >= 0 ? received[first + firstError] : 0)}");
            }
        }

        output.WriteLine($"server: {rig.Server.Statistics}");
        output.WriteLine($"client: {rig.Client.Statistics}");
        Assert.Equal(0, rig.Server.Statistics.LostBytes + rig.Client.Statistics.LostBytes);
    }

    [Fact]
    public void A_client_finds_the_server_by_broadcast_discovery()
    {
        SyfalaStreamParameters[] mono = [Stream(1, SampleType.I16)];
        // 127.255.255.255 reaches every socket bound to 0.0.0.0 on this host (lo's 127/8 route) without a real network.
        using var rig = LoopbackRig.Start(ServerParams(mono, mono) with { Bind = "0.0.0.0:0" },
            server => ClientParams(mono, mono)(server) with { Server = "", Discover = true, Broadcast = "127.255.255.255:" + server.Split(':')[1], DiscoveryPeriodMs = 50 });
        Assert.True(rig.RunUntil(BothRunning, TimeSpan.FromSeconds(5)), "discovery did not find the server within 5 s");
        Assert.Equal(rig.Server.LocalEndPoint!.Port, rig.Client.Server!.Port);
    }

    [Fact]
    public void A_client_expecting_other_channel_counts_refuses_and_reports_it()
    {
        using var rig = LoopbackRig.Start(
            ServerParams([Stream(2, SampleType.F32)], [Stream(2, SampleType.F32)]),
            ClientParams([Stream(1, SampleType.F32)], [Stream(2, SampleType.F32)]));
        Assert.True(rig.RunUntil(r => r.Client.LastRefusal is not null, TimeSpan.FromSeconds(5)), "no refusal within 5 s");
        output.WriteLine(rig.Client.LastRefusal ?? "");
        Assert.Contains("2 channel(s), this client expects 1", rig.Client.LastRefusal, StringComparison.Ordinal);
        Assert.False(rig.Client.IsRunningIO);
        Assert.True(rig.RunUntil(r => r.ServerEvents.Count(NodeEventKind.PeerRefused) > 0 && r.Server.ConnectedClients == 0, TimeSpan.FromSeconds(2)),
            "the server did not drop the refusing client");
        Assert.Equal(1, rig.ClientEvents.Count(NodeEventKind.PeerRefused));
        Assert.Equal(0, rig.ClientEvents.Count(NodeEventKind.PeerConnected));
    }

    [Fact]
    public void Peer_loss_is_detected_near_timeout_the_client_goes_silent_and_reconnects_when_the_server_returns()
    {
        SyfalaStreamParameters[] mono = [Stream(1, SampleType.F32)];
        SyfalaServerParameters serverParams = ServerParams(mono, mono);
        using var rig = LoopbackRig.Start(serverParams, ClientParams(mono, mono));
        Assert.True(rig.RunUntil(BothRunning, TimeSpan.FromSeconds(5)), "no I/O session within 5 s");
        void Tone(LoopbackRig r)
        {
            Span<float> s = r.ServerIn[0].GetChannel(0, r.Block);
            s.Fill(0.5f);
        }

        Assert.True(rig.RunUntil(r => r.ClientOut[0].Samples[0] == 0.5f, TimeSpan.FromSeconds(2), Tone), "no audio before the loss");
        int port = rig.Server.LocalEndPoint!.Port;
        long killed = Stopwatch.GetTimestamp();
        rig.KillServer();
        Assert.True(rig.RunUntil(r => r.ClientEvents.Count(NodeEventKind.PeerDisconnected) == 1, TimeSpan.FromSeconds(3)), "loss not reported within 3 s");
        long reported = rig.ClientEvents.Events.First(e => e.Event.Kind == NodeEventKind.PeerDisconnected).Ticks;
        double detectionMs = (reported - killed) * 1000.0 / Stopwatch.Frequency;
        output.WriteLine($"peer loss reported {detectionMs:F1} ms after the server vanished (timeout_ms 600)");
        Assert.InRange(detectionMs, 400, 1500); // generous: the figure is reported, not asserted tightly (loaded machine)
        rig.RunBlock();
        rig.RunBlock();
        Assert.All(rig.ClientOut[0].Samples, s => Assert.Equal(0f, s));
        rig.RestartServer(serverParams with { Bind = $"127.0.0.1:{port}" });
        long restarted = Stopwatch.GetTimestamp();
        Assert.True(rig.RunUntil(r => r.ClientOut[0].Samples[0] == 0.5f, TimeSpan.FromSeconds(5), Tone), "audio did not resume after the server came back");
        output.WriteLine($"audio resumed {(Stopwatch.GetTimestamp() - restarted) * 1000.0 / Stopwatch.Frequency:F1} ms after the server came back");
        Assert.Equal(2, rig.ClientEvents.Count(NodeEventKind.PeerConnected));
    }

    [Fact]
    public void Sender_receiver_audio_threads_and_control_planes_allocate_nothing_after_warm_up()
    {
        SyfalaStreamParameters[] streams = [Stream(2, SampleType.I24), Stream(1, SampleType.F32)];
        using var rig = LoopbackRig.Start(ServerParams(streams, streams), ClientParams(streams, streams));
        Assert.True(rig.RunUntil(BothRunning, TimeSpan.FromSeconds(5)), "no I/O session within 5 s");
        void Noise(LoopbackRig r)
        {
            for (int i = 0; i < r.ClientIn.Length; i++)
            {
                r.ClientIn[i].Samples.AsSpan().Fill(0.25f);
                r.ServerIn[i].Samples.AsSpan().Fill(-0.25f);
            }
        }

        Action<LoopbackRig> noise = Noise; // one delegate: converting the method per call would allocate on this thread
        for (int i = 0; i < 750; i++)
        {
            rig.RunBlock(noise); // 1 s warm-up
        }

        // A window in which a peer reconnected (a heartbeat late on a loaded machine) is not steady state: a new
        // session sets its threads up again. Nor is a one-off (a single jump of a thread's counter, seen in full suite
        // runs of other tests, see TestSupport/AudioThreadAllocations): a steady-state allocation shows in every
        // window. Measure up to three windows and keep the first without a reconnection or any allocation.
        long[] before = [], after = [];
        long audio = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int sessions = rig.ClientEvents.Count(NodeEventKind.PeerConnected) + rig.ServerEvents.Count(NodeEventKind.PeerConnected);
            before = Threads(rig);
            long audioBefore = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 750; i++)
            {
                rig.RunBlock(noise);
            }

            audio = GC.GetAllocatedBytesForCurrentThread() - audioBefore;
            after = Threads(rig);
            output.WriteLine($"audio thread {audio} B; client tx/rx, server tx/rx, client/server control plane: {string.Join(", ", after.Zip(before, (a, b) => a - b))} B");
            if (rig.ClientEvents.Count(NodeEventKind.PeerConnected) + rig.ServerEvents.Count(NodeEventKind.PeerConnected) == sessions
                && audio == 0 && after.SequenceEqual(before))
            {
                break;
            }
        }

        Assert.True(rig.Server.Statistics.AudioDatagrams > 1000 && rig.Client.Statistics.AudioDatagrams > 1000);
        Assert.Equal(0, audio);
        // With tiered compilation on, a network thread showed 56-112 bytes in a window now and then: the runtime
        // recompiling Socket.Poll and the send loop under it. The product and the tests run without it.
        long[] grew = after.Zip(before, (a, b) => a - b).ToArray();
        Assert.All(grew, g => Assert.Equal(0, g));
    }

    private static long[] Threads(LoopbackRig rig) =>
    [
        rig.Client.Audio!.Sender.ThreadAllocatedBytes, rig.Client.Audio.Receiver.ThreadAllocatedBytes,
        rig.Server.Audio!.Sender.ThreadAllocatedBytes, rig.Server.Audio.Receiver.ThreadAllocatedBytes,
        rig.Client.ControlAllocatedBytes, rig.Server.ControlAllocatedBytes, // heartbeats both ways all along
    ];
}
