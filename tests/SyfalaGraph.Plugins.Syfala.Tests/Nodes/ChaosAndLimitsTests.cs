using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>Impaired networks and hostile or unknown peers, over real loopback sockets.</summary>
[Collection("Loopback")]
public sealed class ChaosAndLimitsTests(ITestOutputHelper output)
{
    private static readonly SyfalaStreamParameters[] Mono = [new() { Channels = 1, SampleType = SampleType.F32 }];

    private static SyfalaServerParameters Server(int latency = 4096, int maxClients = 8, params string[] allow) =>
        new() { Bind = "127.0.0.1:0", Inputs = Mono, Outputs = Mono, LatencyFrames = latency, MaxClients = maxClients, Allow = allow };

    private static Func<string, SyfalaClientParameters> Client(SyfalaChaosParameters? chaos = null) =>
        server => new() { Server = server, Inputs = Mono, Outputs = Mono, LatencyFrames = 4096, Chaos = chaos ?? new() };

    private static void Ramp(LoopbackRig r)
    {
        Span<float> s = r.ClientIn[0].GetChannel(0, r.Block);
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = 0.001f * (1 + ((r.FrameTime + i) % 997));
        }
    }

    private static int RunStream(LoopbackRig rig, double seconds)
    {
        Action<LoopbackRig> ramp = Ramp;
        int nonSilent = 0;
        int blocks = (int)(seconds * LoopbackRig.Rate / rig.Block);
        for (int b = 0; b < blocks; b++)
        {
            rig.RunBlock(ramp, r => nonSilent += r.ServerOut[0].Samples[0] != 0 ? 1 : 0);
        }

        Thread.Sleep(400); // nothing more is written: delayed datagrams arrive, expired gaps are concealed
        return nonSilent;
    }

    [Fact]
    public void Jitter_buffer_underflows_are_logged_at_most_once_a_second_with_their_count()
    {
        // 15 ms of network jitter against a 146-frame (3 ms) jitter buffer: underflows for sure.
        var log = new CollectingLogger<SyfalaServerNode>();
        using var rig = LoopbackRig.Start(Server(latency: 146), Client(new SyfalaChaosParameters { JitterMs = 15, Seed = 3 }), serverLogger: log);
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        var started = System.Diagnostics.Stopwatch.StartNew();
        RunStream(rig, 3);
        double seconds = started.Elapsed.TotalSeconds;
        long underflows = rig.Server.Statistics.Underflows;
        string[] reports = log.Messages.Where(m => m.Contains("jitter-buffer underflow", StringComparison.Ordinal)).ToArray();
        output.WriteLine($"{underflows} underflows in {seconds:F1} s; reports:{Environment.NewLine}{string.Join(Environment.NewLine, reports)}");
        Assert.True(underflows > 0);
        Assert.NotEmpty(reports);
        Assert.True(reports.Length <= Math.Ceiling(seconds) + 1, $"{reports.Length} reports in {seconds:F1} s");
        long reported = reports.Sum(m => long.Parse(Regex.Match(m, @"server: (\d+) jitter-buffer underflow").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(reported, 1, underflows);
    }

    [Fact]
    public void Underflow_reports_to_a_disabled_logger_allocate_nothing_on_the_control_plane()
    {
        // The same impairment with the default (null) logger: the once-a-second report runs, and its values must not
        // be boxed on the way to a logger that drops them.
        using var rig = LoopbackRig.Start(Server(latency: 146), Client(new SyfalaChaosParameters { JitterMs = 15, Seed = 3 }));
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        Action<LoopbackRig> ramp = Ramp;
        int blocks = (int)(LoopbackRig.Rate / rig.Block);
        for (int b = 0; b < blocks; b++)
        {
            rig.RunBlock(ramp); // 1 s warm-up, with underflows already
        }

        long underflowsBefore = rig.Server.Statistics.Underflows;
        long before = rig.Server.ControlAllocatedBytes;
        for (int b = 0; b < 3 * blocks; b++)
        {
            rig.RunBlock(ramp);
        }

        long underflows = rig.Server.Statistics.Underflows - underflowsBefore;
        long allocated = rig.Server.ControlAllocatedBytes - before;
        output.WriteLine($"{underflows} underflows in 3 s; server control plane {allocated} B");
        Assert.True(underflows > 0, "no underflow: the report did not run");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Chaos_5pct_loss_10pct_reorder_20ms_jitter_every_byte_is_accounted_for()
    {
        var chaos = new SyfalaChaosParameters { LossPct = 5, ReorderPct = 10, JitterMs = 20, Seed = 7 };
        using var rig = LoopbackRig.Start(Server(), Client(chaos));
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        int nonSilentBlocks = RunStream(rig, 3);
        SyfalaStatistics tx = rig.Client.Statistics;
        SyfalaStatistics rx = rig.Server.Statistics;
        ulong streamBytes = rig.Client.Audio!.Sender.BytesSent(0);
        ulong receivedUpTo = rig.Server.Audio!.Receiver.NextByteIndex(0);
        output.WriteLine($"sent {tx.DatagramsSent} datagrams ({streamBytes} stream bytes), chaos dropped {tx.ChaosDropped} ({tx.ChaosDroppedPayloadBytes} B), held back {tx.ChaosReordered}");
        output.WriteLine($"received {rx.AudioDatagrams}, late {rx.Late}, {rx.LostBytes} B lost in {rx.Gaps} gaps, reordered {rx.Reordered}, duplicates {rx.Duplicates}, jitter {rx.JitterMs:F2} ms, underflows {rx.Underflows}, fill {rx.JitterBufferFillFrames}");
        Assert.True(tx.ChaosDropped > 0 && tx.ChaosReordered > 0 && rx.Reordered > 0);
        Assert.Equal(0, rx.Malformed + rx.Implausible + rx.BadStream + rx.LengthMismatch + rx.UnknownPeer);

        // Every datagram that left is accounted for once: delivered, or dropped as late.
        Assert.Equal(tx.DatagramsSent, rx.AudioDatagrams + rx.Late + rx.Duplicates);
        Assert.Equal(0, rx.Duplicates);

        // Bytes: what was concealed plus what never showed up at the end = what chaos dropped plus what came too late.
        Assert.Equal((long)(receivedUpTo - (ulong)rx.LostBytes), rx.AudioPayloadBytes);
        Assert.Equal(tx.ChaosDroppedPayloadBytes + rx.LateBytesOrZero(rig), rx.LostBytes + (long)(streamBytes - receivedUpTo));
        Assert.True(nonSilentBlocks > 100, "audio did not continue");
        Assert.True(rx.JitterMs > 1, $"jitter estimate {rx.JitterMs} ms under 20 ms of uniform jitter");
    }

    [Fact]
    public void Chaos_with_duplicates_and_corruption_is_counted_and_audio_continues()
    {
        // 30 % corrupted: about 1 flip in 20 lands in the 16 header bytes, and the test needs some to be noticed.
        var chaos = new SyfalaChaosParameters { LossPct = 5, ReorderPct = 10, JitterMs = 5, DuplicatePct = 10, CorruptPct = 30, Seed = 11 };
        using var rig = LoopbackRig.Start(Server(), Client(chaos));
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        int nonSilentBlocks = RunStream(rig, 3);
        SyfalaStatistics tx = rig.Client.Statistics;
        SyfalaStatistics rx = rig.Server.Statistics;
        output.WriteLine($"tx {tx}");
        output.WriteLine($"rx {rx}");
        Assert.True(tx.ChaosDuplicated > 0 && tx.ChaosCorrupted > 0);
        // A flipped byte_idx bit can also make a datagram look like one already received.
        Assert.InRange(rx.Duplicates, 1, tx.ChaosDuplicated + tx.ChaosCorrupted);
        long dropped = rx.Late + rx.Duplicates + rx.Malformed + rx.Implausible + rx.BadStream + rx.LengthMismatch;
        Assert.True(rx.BadStream + rx.LengthMismatch + rx.Implausible > 0, "corruption went unnoticed in every header");
        Assert.Equal(tx.DatagramsSent, rx.AudioDatagrams + dropped);
        Assert.True(nonSilentBlocks > 100, "audio did not continue");
        Assert.True(rig.Client.IsRunningIO && rig.Server.IsRunningIO);
    }

    [Fact]
    public void A_Connect_beyond_the_limits_is_dropped_before_allocation_and_a_valid_one_then_connects()
    {
        using var fake = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        fake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        fake.ReceiveTimeout = 3000;
        var client = new SyfalaClientNode(new SyfalaClientParameters { Server = fake.LocalEndPoint!.ToString()!, Inputs = Mono, Outputs = Mono });
        client.Prepare(new(
            "client", 48_000, 64, [1], [1], SyfalaGraph.Abstractions.Events.NodeEventWriter.Null, false));
        client.Start();
        try
        {
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n = fake.ReceiveFrom(buffer, ref from);
            Assert.Equal([(byte)ClientMessageKind.Discovery], buffer[..n]);
            var absurd = new StreamFormat(48_000, 5000, 32, SampleType.F32);
            var tooMany = Enumerable.Repeat(StreamFormat.Standard with { ChannelCount = 1 }, 65).ToArray();
            foreach (StreamFormats formats in new[] { new StreamFormats([absurd], [absurd]), new StreamFormats(tooMany, []) })
            {
                var message = ServerMessage.Connect(formats);
                var bytes = new byte[SyfalaCodec.GetEncodedLength(message)];
                SyfalaCodec.TryEncode(message, bytes, out _);
                fake.SendTo(bytes, from);
            }

            fake.SendTo(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, from); // a varint that never ends
            Thread.Sleep(200);
            Assert.Null(client.Server);
            Assert.Equal(3, client.Statistics.Malformed);

            var valid = ServerMessage.Connect(new StreamFormats([StreamFormat.Standard with { ChannelCount = 1 }], [StreamFormat.Standard with { ChannelCount = 1 }]));
            var ok = new byte[SyfalaCodec.GetEncodedLength(valid)];
            SyfalaCodec.TryEncode(valid, ok, out _);
            fake.SendTo(ok, from);
            for (int i = 0; i < 20; i++)
            {
                n = fake.ReceiveFrom(buffer, ref from);
                if (buffer[0] == (byte)ClientMessageKind.ConnectionSuccess)
                {
                    break;
                }
            }

            Assert.Equal((byte)ClientMessageKind.ConnectionSuccess, buffer[0]);
        }
        finally
        {
            client.Stop();
            client.Dispose();
        }
    }

    [Fact]
    public void Unknown_peers_and_garbage_are_ignored_and_counted_while_a_session_runs()
    {
        using var rig = LoopbackRig.Start(Server(latency: 512, maxClients: 1), Client());
        Assert.True(rig.RunUntil(r => r.Client.IsRunningIO && r.Server.IsRunningIO, TimeSpan.FromSeconds(5)));
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var server = new IPEndPoint(IPAddress.Loopback, rig.Server.LocalEndPoint!.Port);
        var audio = new byte[AudioMessageHeader.EncodedLength + 64];
        SyfalaCodec.TryWriteClientAudioHeader(new AudioMessageHeader(0, 0, 64), audio);
        stranger.SendTo(audio, server);                                           // audio from a stranger
        stranger.SendTo(new[] { (byte)ClientMessageKind.StartIO }, server);       // control from a stranger
        stranger.SendTo(new[] { (byte)ClientMessageKind.Disconnect }, server);
        stranger.SendTo(new byte[] { 0x42, 1, 2, 3 }, server);                   // unknown variant
        stranger.SendTo(new byte[] { (byte)ClientMessageKind.Discovery }, server); // max_clients (1) reached
        Action<LoopbackRig> ramp = Ramp;
        Assert.True(rig.RunUntil(r => r.Server.IgnoredDiscoveries.Full == 1 && r.Server.IgnoredDiscoveries.UnknownPeer == 2, TimeSpan.FromSeconds(2), ramp),
            $"ignored: {rig.Server.IgnoredDiscoveries}");
        SyfalaStatistics rx = rig.Server.Statistics;
        output.WriteLine(rx.ToString());
        Assert.Equal(1, rx.UnknownPeer);
        Assert.Equal(1, rx.Malformed);
        Assert.True(rig.Client.IsRunningIO && rig.Server.IsRunningIO);
        Assert.Equal(1, rig.Server.ConnectedClients);
    }

    [Fact]
    public void A_client_outside_the_allow_list_never_connects()
    {
        using var rig = LoopbackRig.Start(Server(allow: "10.0.0.0/8"), Client());
        Assert.True(rig.RunUntil(r => r.Server.IgnoredDiscoveries.NotAllowed >= 2, TimeSpan.FromSeconds(3)));
        Assert.Equal(0, rig.Server.ConnectedClients);
        Assert.Null(rig.Client.Server);
    }
}

internal static class StatisticsTestExtensions
{
    /// <summary>Late bytes are kept by the receiver's counters (not in the public snapshot): read them for the byte accounting.</summary>
    public static long LateBytesOrZero(this SyfalaStatistics _, LoopbackRig rig) => Volatile.Read(ref rig.Server.Audio!.Statistics.LateBytes);
}
