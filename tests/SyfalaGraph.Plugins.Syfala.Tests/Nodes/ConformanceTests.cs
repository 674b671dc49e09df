using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Plugins.Syfala.Tools;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>
/// The points the protocol leaves open, as the reference implementation behaves (shared/protocol/SYFALA-WIRE.md):
/// a raw UDP socket plays the reference's peer against a real node (or tool) over 127.0.0.1 and records every
/// datagram in the order it arrived.
/// </summary>
[Collection("Loopback")]
public sealed class ConformanceTests(ITestOutputHelper output)
{
    private const int AudioBytesPerBlock = RawClientRig.Block * sizeof(float); // mono F32

    [Fact]
    public void A_client_that_keeps_sending_Discovery_while_running_keeps_its_session_and_its_audio()
    {
        using var rig = new RawClientRig();
        rig.Handshake();
        rig.Send(ClientMessageKind.StartIO);
        Assert.True(rig.RunUntil(r => r.Count(ServerMessageKind.StartIOSuccess) == 1, TimeSpan.FromSeconds(2)), "no StartIOSuccess");
        long receivedBefore = rig.Server.Statistics.AudioDatagrams;
        int connectsBefore = rig.Count(ServerMessageKind.Connect);

        // The reference client's discovery beacon: Discovery every 100 ms while it streams.
        int beacons = 0;
        long lastBeacon = 0;
        ulong sent = 0;
        rig.RunFor(TimeSpan.FromSeconds(2), r =>
        {
            r.SendAudio(sent, AudioBytesPerBlock);
            sent += AudioBytesPerBlock;
            if (r.ElapsedMs - lastBeacon >= 100)
            {
                lastBeacon = r.ElapsedMs;
                r.Send(ClientMessageKind.Discovery);
                beacons++;
            }
        });

        SyfalaStatistics stats = rig.Server.Statistics;
        output.WriteLine($"{beacons} Discovery sent while running; server: {stats}");
        Assert.True(rig.Server.IsRunningIO, "the server stopped I/O");
        Assert.Equal(0, rig.Events.Count(NodeEventKind.IOStopped));
        Assert.Equal(0, stats.NotRunning);
        Assert.True(stats.AudioDatagrams - receivedBefore > 1000, $"the server accepted {stats.AudioDatagrams - receivedBefore} audio datagrams in 2 s (1500 sent)");
        Assert.True(rig.AudioIn(TimeSpan.FromSeconds(1)) > 500, $"the client received {rig.AudioIn(TimeSpan.FromSeconds(1))} audio datagrams in the last second (750 expected)");
        Assert.True(rig.Count(ServerMessageKind.Connect) - connectsBefore >= beacons - 1, "a Discovery from a connected client is answered with Connect");

        rig.Send(ClientMessageKind.StopIO);
        Assert.True(rig.RunUntil(r => r.Count(ServerMessageKind.StopIOSuccess) + r.Count(ServerMessageKind.StopIORefused) > 0, TimeSpan.FromSeconds(2)), "StopIO not answered");
        Assert.Equal(0, rig.Count(ServerMessageKind.StopIORefused));
        Assert.Equal(1, rig.Count(ServerMessageKind.StopIOSuccess));
    }

    [Fact]
    public void StartIOSuccess_reaches_the_client_before_the_first_audio_datagram_of_every_session()
    {
        using var rig = new RawClientRig();
        rig.Handshake();
        for (int session = 0; session < 10; session++)
        {
            int mark = rig.Received.Count;
            rig.Send(ClientMessageKind.StartIO);
            Assert.True(rig.RunUntil(r => r.Since(mark).Any(d => d.Kind == ServerMessageKind.Audio) && r.Since(mark).Any(d => d.Kind == ServerMessageKind.StartIOSuccess),
                TimeSpan.FromSeconds(2)), $"session {session}: no StartIOSuccess and audio within 2 s");
            List<RawClientRig.Datagram> order = rig.Since(mark);
            int success = order.FindIndex(d => d.Kind == ServerMessageKind.StartIOSuccess);
            int firstAudio = order.FindIndex(d => d.Kind == ServerMessageKind.Audio);
            Assert.True(firstAudio > success,
                $"session {session}: {order.Take(success).Count(d => d.Kind == ServerMessageKind.Audio)} audio datagram(s) arrived before StartIOSuccess");
            Assert.Equal(0UL, order[firstAudio].ByteIndex); // the session's own audio, from its start

            rig.Send(ClientMessageKind.StopIO);
            int stops = rig.Count(ServerMessageKind.StopIOSuccess);
            Assert.True(rig.RunUntil(r => r.Count(ServerMessageKind.StopIOSuccess) > stops, TimeSpan.FromSeconds(2)), $"session {session}: no StopIOSuccess");
            rig.RunFor(TimeSpan.FromMilliseconds(50)); // datagrams of the stopped session still in flight arrive before the next StartIO
        }
    }

    [Fact]
    public void No_heartbeat_reaches_a_client_before_it_has_answered_Connect()
    {
        using var rig = new RawClientRig { KeepAlive = false };
        rig.Send(ClientMessageKind.Discovery);
        rig.RunFor(TimeSpan.FromMilliseconds(400)); // 4 heartbeat periods, within the 600 ms timeout
        Assert.Equal(1, rig.Count(ServerMessageKind.Connect));
        Assert.Equal(0, rig.Count(ServerMessageKind.Heartbeat));

        rig.Send(ClientMessageKind.ConnectionSuccess);
        rig.KeepAlive = true;
        rig.RunFor(TimeSpan.FromMilliseconds(350));
        Assert.True(rig.Count(ServerMessageKind.Heartbeat) >= 2, $"{rig.Count(ServerMessageKind.Heartbeat)} heartbeat(s) in 350 ms once connected (100 ms period)");
    }

    [Fact]
    public async Task Discover_answers_Connect_with_ConnectionSuccess_and_leaves_with_a_Disconnect()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var serverEndPoint = (IPEndPoint)server.LocalEndPoint!;
        Task<IReadOnlyList<DiscoveredServer>> discover = SyfalaProbe.DiscoverAsync(serverEndPoint, TimeSpan.FromMilliseconds(500), ct);

        var buffer = new byte[2048];
        using var first = CancellationTokenSource.CreateLinkedTokenSource(ct);
        first.CancelAfter(TimeSpan.FromSeconds(2));
        SocketReceiveFromResult discovery = await server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), first.Token);
        Assert.True(SyfalaCodec.TryDecodeClient(buffer.AsSpan(0, discovery.ReceivedBytes), out ClientMessage m, out _));
        Assert.Equal(ClientMessageKind.Discovery, m.Kind);
        var tool = (IPEndPoint)discovery.RemoteEndPoint;

        var formats = new StreamFormats([StreamFormat.Standard], [StreamFormat.Standard]);
        var connect = new byte[SyfalaCodec.GetEncodedLength(ServerMessage.Connect(formats))];
        SyfalaCodec.TryEncode(ServerMessage.Connect(formats), connect, out _);
        await server.SendToAsync(connect, SocketFlags.None, tool, ct);

        var answers = new List<ClientMessageKind>();
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        window.CancelAfter(TimeSpan.FromSeconds(1));
        while (answers.Count < 2)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), window.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            Assert.True(SyfalaCodec.TryDecodeClient(buffer.AsSpan(0, r.ReceivedBytes), out ClientMessage answer, out _));
            answers.Add(answer.Kind);
        }

        IReadOnlyList<DiscoveredServer> found = await discover;
        Assert.Equal(formats, Assert.Single(found).Formats);
        // A Connect is answered with a connection result (the reference drops a Disconnect from a client it has not
        // connected); the connection then ends cleanly.
        Assert.Equal([ClientMessageKind.ConnectionSuccess, ClientMessageKind.Disconnect], answers);
    }

    /// <summary>
    /// A syfala.server node (mono F32 both ways, 64-frame blocks) driven in real time on the calling thread, and a raw
    /// UDP socket as its client; after each block the socket is drained into <see cref="Received"/>.
    /// </summary>
    private sealed class RawClientRig : IDisposable
    {
        public const int Block = 64;
        private const double Rate = 48_000;

        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly IPEndPoint _server;
        private readonly byte[] _buffer = new byte[2048];
        private readonly byte[] _audio = new byte[AudioMessageHeader.EncodedLength + AudioBytesPerBlock];
        private readonly AudioBuffer[] _in = [new(1, Block)];
        private readonly AudioBuffer[] _out = [new(1, Block)];
        private readonly NodeEventWriter _writer;
        private long _blocks;
        private long _lastHeartbeatMs;

        public RawClientRig()
        {
            _writer = Events.Writer("server");
            SyfalaStreamParameters[] mono = [new() { Channels = 1, SampleType = SampleType.F32 }];
            Server = new SyfalaServerNode(new SyfalaServerParameters { Bind = "127.0.0.1:0", Inputs = mono, Outputs = mono, LatencyFrames = 256, DriftCompensation = false });
            Server.Prepare(new PrepareContext("server", Rate, Block, [1], [1], _writer, false));
            Server.Start();
            _server = new IPEndPoint(IPAddress.Loopback, Server.LocalEndPoint!.Port);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        /// <summary>One received datagram: its kind and, for audio, its byte_idx.</summary>
        public readonly record struct Datagram(ServerMessageKind Kind, ulong ByteIndex, long Ms);

        public SyfalaServerNode Server { get; }

        public TimedEventSink Events { get; } = new();

        public List<Datagram> Received { get; } = [];

        /// <summary>Whether a Heartbeat is sent every 100 ms (the server's timeout is 600 ms).</summary>
        public bool KeepAlive { get; set; } = true;

        public long ElapsedMs => _clock.ElapsedMilliseconds;

        public int Count(ServerMessageKind kind) => Received.Count(d => d.Kind == kind);

        public List<Datagram> Since(int index) => Received.GetRange(index, Received.Count - index);

        /// <summary>Audio datagrams received in the last <paramref name="window"/>.</summary>
        public int AudioIn(TimeSpan window) => Received.Count(d => d.Kind == ServerMessageKind.Audio && d.Ms >= ElapsedMs - window.TotalMilliseconds);

        public void Send(ClientMessageKind kind) => _socket.SendTo([(byte)kind], _server);

        public void SendAudio(ulong byteIndex, int bytes)
        {
            SyfalaCodec.TryWriteClientAudioHeader(new AudioMessageHeader(0, byteIndex, (uint)bytes), _audio);
            _socket.SendTo(_audio.AsSpan(0, AudioMessageHeader.EncodedLength + bytes), SocketFlags.None, _server);
        }

        /// <summary>Discovery → Connect → ConnectionSuccess.</summary>
        public void Handshake()
        {
            Send(ClientMessageKind.Discovery);
            Assert.True(RunUntil(r => r.Count(ServerMessageKind.Connect) > 0, TimeSpan.FromSeconds(2)), "no Connect");
            Send(ClientMessageKind.ConnectionSuccess);
            Assert.True(RunUntil(r => r.Events.Count(NodeEventKind.PeerConnected) == 1, TimeSpan.FromSeconds(2)), "not connected");
        }

        public bool RunUntil(Func<RawClientRig, bool> condition, TimeSpan timeout, Action<RawClientRig>? perBlock = null)
        {
            long end = ElapsedMs + (long)timeout.TotalMilliseconds;
            while (!condition(this))
            {
                if (ElapsedMs > end)
                {
                    return false;
                }

                RunBlock(perBlock);
            }

            return true;
        }

        public void RunFor(TimeSpan duration, Action<RawClientRig>? perBlock = null)
        {
            long end = ElapsedMs + (long)duration.TotalMilliseconds;
            while (ElapsedMs < end)
            {
                RunBlock(perBlock);
            }
        }

        public void Dispose()
        {
            Server.Stop();
            Server.Dispose();
            _socket.Dispose();
        }

        private void RunBlock(Action<RawClientRig>? perBlock)
        {
            long dueTicks = (long)(_blocks * Block / Rate * Stopwatch.Frequency);
            while (_clock.ElapsedTicks < dueTicks)
            {
                Thread.Sleep(dueTicks - _clock.ElapsedTicks > Stopwatch.Frequency / 500 ? 1 : 0);
            }

            _in[0].GetChannel(0, Block).Fill(0.25f);
            var context = new ProcessContext(Block, _blocks * Block, Rate, _in, _out, _writer, false);
            Server.ProcessSink(context);
            Server.Process(context);
            _blocks++;
            perBlock?.Invoke(this);
            if (KeepAlive && ElapsedMs - _lastHeartbeatMs >= 100)
            {
                _lastHeartbeatMs = ElapsedMs;
                Send(ClientMessageKind.Heartbeat);
            }

            EndPoint any = new IPEndPoint(IPAddress.Any, 0);
            while (_socket.Available > 0)
            {
                int n = _socket.ReceiveFrom(_buffer, ref any);
                if (SyfalaCodec.TryDecodeServer(_buffer.AsSpan(0, n), out ServerMessage message, out _))
                {
                    Received.Add(new Datagram(message.Kind, message.Kind == ServerMessageKind.Audio ? message.Header.ByteIndex : 0, ElapsedMs));
                }
            }
        }
    }
}
