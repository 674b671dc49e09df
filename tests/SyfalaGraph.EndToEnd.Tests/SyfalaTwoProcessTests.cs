using System.Globalization;
using System.Text.RegularExpressions;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>syfala.server and syfala.client in two separate syfala-graph processes on loopback.</summary>
public sealed partial class SyfalaTwoProcessTests(ITestOutputHelper output)
{
    private static string ServerGraph(int port) => $$"""
        version: 1
        settings: { sample_rate: 48000, block_frames: 64, clock: realtime }
        nodes:
          tone: { type: tone, params: { frequency_hz: 660, amplitude: 0.25, channels: 1 } }
          server:
            type: syfala.server
            params:
              bind: 127.0.0.1:{{port}}
              inputs:  [ { channels: 1, sample_type: i16 } ]
              outputs: [ { channels: 1, sample_type: f32 } ]
              latency_frames: 4096
              drift_compensation: false   # two processes on one machine share its clock: samples cross bit-exact
          received: { type: file.writer, params: { path: server-received.wav, subtype: float } }
        links:
          - tone.out -> server.in
          - server.out -> received.in
        """;

    // Looped: the client's graph starts playing before I/O runs, so the first pass is partial; a later pass is whole.
    private static readonly string LoopedSpeech = $"{{ type: file.reader, params: {{ path: {TestAudio.FrontCenterWav}, loop: true }} }}";

    private static string ClientGraph(int port, int sampleRate = 48000, string? source = null,
        string options = "latency_frames: 4096, drift_compensation: false") => $$"""
        version: 1
        settings: { sample_rate: {{sampleRate}}, block_frames: 64, clock: realtime }
        nodes:
          source: {{source ?? LoopedSpeech}}
          client:
            type: syfala.client
            params: { server: "127.0.0.1:{{port}}", inputs: [ { channels: 1, sample_type: i16 } ], outputs: [ { channels: 1, sample_type: f32 } ], {{options}} }
          received: { type: file.writer, params: { path: client-received.wav, subtype: float } }
        links:
          - source.out -> client.in
          - client.out -> received.in
        """;

    private static int FreePort() => 40_000 + Random.Shared.Next(10_000);

    [Fact]
    public async Task A_recording_streams_bit_exact_from_a_client_process_to_a_server_process()
    {
        string dir = RepoPaths.NewTempDir("syfala-2p");
        int port = FreePort();
        File.WriteAllText(Path.Combine(dir, "server.yaml"), ServerGraph(port));
        File.WriteAllText(Path.Combine(dir, "client.yaml"), ClientGraph(port));
        await RunServerThenClientAsync(dir, clientSeconds: 6);

        (float[] sent, _, _) = TestAudio.ReadWithSox(TestAudio.FrontCenterWav);
        (float[] received, _, _) = TestAudio.ReadWithSox(Path.Combine(dir, "server-received.wav"));
        // A realtime graph may skip a block on an xrun (a loaded machine): one whole pass must be bit-exact.
        (int offset, int candidates) = FindWholePass(sent, received);
        output.WriteLine($"whole pass found at sample {offset} of {received.Length}; {candidates} candidate pass(es) examined");
        Assert.True(offset >= 0, $"no bit-exact whole pass of the recording in the {received.Length} samples received ({candidates} candidates)");

        (float[] tone, _, _) = TestAudio.ReadWithSox(Path.Combine(dir, "client-received.wav"));
        Assert.True(tone.Max() > 0.2f, "the server's tone did not reach the client");
    }

    [Fact]
    public async Task A_server_with_drive_true_runs_its_graph_on_the_arriving_audio_and_freewheels_without_it()
    {
        string dir = RepoPaths.NewTempDir("syfala-drive");
        int port = FreePort();
        // The server's graph is clocked by what arrives: no realtime clock, no resampling, one block of buffering.
        File.WriteAllText(Path.Combine(dir, "server.yaml"), ServerGraph(port)
            .Replace("clock: realtime", "clock: server", StringComparison.Ordinal)
            .Replace("drift_compensation: false ", "drive: true ", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "client.yaml"), ClientGraph(port));
        string serverLog = await RunServerThenClientAsync(dir, clientSeconds: 6, serverAloneMs: 500); // freewheeling: no client yet
        var drove = Regex.Match(serverLog, @"drove (\d+) blocks from arriving audio");
        Assert.True(drove.Success, serverLog);
        Assert.InRange(long.Parse(drove.Groups[1].Value, CultureInfo.InvariantCulture), 3000, 5000); // ~6 s of 64-frame blocks

        (float[] sent, _, _) = TestAudio.ReadWithSox(TestAudio.FrontCenterWav);
        (float[] received, _, _) = TestAudio.ReadWithSox(Path.Combine(dir, "server-received.wav"));
        (int offset, _) = FindWholePass(sent, received);
        Assert.True(offset >= 0, "no bit-exact whole pass of the recording in what the network-driven server received");
    }

    /// <summary>
    /// A 44.1 kHz client graph with <c>resample: true</c> and a 48 kHz server graph, each in its own process: the client's
    /// 1 kHz tone is recorded by the server at 48 kHz and the server's 660 Hz tone by the client at 44.1 kHz, each at
    /// its frequency in its own file's samples.
    /// </summary>
    [Fact]
    public async Task A_44_1_kHz_client_with_resample_exchanges_tones_with_a_48_kHz_server()
    {
        string dir = RepoPaths.NewTempDir("syfala-resample");
        int port = FreePort();
        File.WriteAllText(Path.Combine(dir, "server.yaml"), ServerGraph(port)
            .Replace("latency_frames: 4096", "latency_frames: 1024", StringComparison.Ordinal)
            .Replace("drift_compensation: false ", "drift_compensation: true ", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "client.yaml"), ClientGraph(port, sampleRate: 44100,
            source: "{ type: tone, params: { frequency_hz: 1000, amplitude: 0.25, channels: 1 } }", options: "latency_frames: 1024, resample: true"));
        await RunServerThenClientAsync(dir, clientSeconds: 8);

        (float[] atServer, _, int serverRate) = TestAudio.ReadWithSox(Path.Combine(dir, "server-received.wav"));
        (float[] atClient, _, int clientRate) = TestAudio.ReadWithSox(Path.Combine(dir, "client-received.wav"));
        Assert.Equal(48000, serverRate);
        Assert.Equal(44100, clientRate);
        // The last 2 s of what each side received (the session started after about a second).
        double serverHz = ToneHz(atServer.AsSpan(atServer.Length - (2 * 48000))) * 48000;
        double clientHz = ToneHz(atClient.AsSpan(atClient.Length - (2 * 44100))) * 44100;
        output.WriteLine($"server received {serverHz:F3} Hz (sent 1000 at 44.1 kHz), client received {clientHz:F3} Hz (sent 660 at 48 kHz)");
        Assert.InRange(serverHz, 999, 1001);
        Assert.InRange(clientHz, 659.3, 660.7);
    }

    /// <summary>
    /// Runs <c>server.yaml</c> of <paramref name="dir"/>, then <c>client.yaml</c> for <paramref name="clientSeconds"/>; waits
    /// until the server saw the client go, stops it with SIGINT (exit code 0 asserted) and returns the server's log.
    /// </summary>
    private async Task<string> RunServerThenClientAsync(string dir, int clientSeconds, int serverAloneMs = 0)
    {
        using var server = new CliProcess(dir, "run", "server.yaml");
        await server.WaitForLogAsync("listening on", TestContext.Current.CancellationToken);
        await Task.Delay(serverAloneMs, TestContext.Current.CancellationToken);
        using (var client = new CliProcess(dir, "run", "client.yaml", "--duration", clientSeconds.ToString(CultureInfo.InvariantCulture)))
        {
            await client.WaitForLogAsync("ended after", TestContext.Current.CancellationToken);
            output.WriteLine(client.Log);
        }

        await server.WaitForLogAsync("the client disconnected", TestContext.Current.CancellationToken);
        Assert.Equal(0, server.StopWith("INT"));
        output.WriteLine(server.Log);
        return server.Log;
    }

    private static double ToneHz(ReadOnlySpan<float> x)
    {
        var crossings = new RisingZeroCrossings();
        for (int i = 0; i < x.Length; i++)
        {
            crossings.Add(x[i], i);
        }

        return crossings.CyclesPerSample;
    }

    /// <summary>Where a whole, bit-exact copy of <paramref name="sent"/> starts in <paramref name="received"/> (or -1), and how many candidate starts were checked.</summary>
    private static (int Offset, int Candidates) FindWholePass(float[] sent, float[] received)
    {
        static bool Same(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);
        int first = Array.FindIndex(sent, s => s != 0);
        int candidates = 0;
        for (int j = 0; j + sent.Length <= received.Length; j++)
        {
            bool match = true;
            for (int t = first; t < first + 1024 && match; t++)
            {
                match = Same(received[j + t], sent[t]);
            }

            if (!match)
            {
                continue;
            }

            candidates++;
            int i = 0;
            while (i < sent.Length && Same(received[j + i], sent[i]))
            {
                i++;
            }

            if (i == sent.Length)
            {
                return (j, candidates);
            }
        }

        return (-1, candidates);
    }

    [Fact]
    public async Task A_killed_server_process_is_reported_near_timeout_and_a_new_one_is_reconnected()
    {
        string dir = RepoPaths.NewTempDir("syfala-loss");
        int port = FreePort();
        File.WriteAllText(Path.Combine(dir, "server.yaml"), ServerGraph(port));
        File.WriteAllText(Path.Combine(dir, "client.yaml"), ClientGraph(port));
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var client = new CliProcess(dir, "run", "client.yaml");
        DateTime killed;
        using (var server = new CliProcess(dir, "run", "server.yaml"))
        {
            await client.WaitForLogAsync("IOStarted", ct);
            await Task.Delay(500, ct);
            killed = DateTime.Now;
            Assert.NotEqual(0, server.StopWith("KILL"));
        }

        await client.WaitForLogAsync("lost: no datagram", ct);
        Match m = LostLine().Match(client.Log);
        Assert.True(m.Success, client.Log);
        DateTime reported = DateTime.Today + TimeSpan.ParseExact(m.Groups[1].Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
        double ms = (reported - killed).TotalMilliseconds;
        output.WriteLine($"client reported the loss {ms:F0} ms after SIGKILL of the server process (timeout_ms 600)");
        Assert.InRange(ms, 400, 1500); // measured and reported; the bound is generous for a loaded machine

        using (var again = new CliProcess(dir, "run", "server.yaml"))
        {
            await again.WaitForLogAsync("connected (peer 1)", ct);
            for (int i = 0; i < 200 && Regex.Count(client.Log, "client: IOStarted") < 2; i++)
            {
                await Task.Delay(50, ct);
            }

            // At least one reconnection (a freshly started process on a loaded machine may stall past timeout_ms once
            // more, and the client then reconnects again), and I/O runs after the last one.
            int connections = Regex.Count(client.Log, "client: connected to");
            Assert.True(connections >= 2, client.Log);

            // One snapshot of the log per check: another reconnection may land between two readings.
            bool ioAfterLastConnection = false;
            for (int i = 0; i < 200 && !ioAfterLastConnection; i++)
            {
                string log = client.Log;
                int last = log.LastIndexOf("client: connected to", StringComparison.Ordinal);
                ioAfterLastConnection = last >= 0 && log.IndexOf("client: IOStarted", last, StringComparison.Ordinal) > last;
                if (!ioAfterLastConnection)
                {
                    await Task.Delay(50, ct);
                }
            }

            Assert.True(ioAfterLastConnection, "no IOStarted after the last connection within 10 s:\n" + client.Log);
            await Task.Delay(500, ct); // let the new server's graph finish starting before it is interrupted
            Assert.Equal(0, again.StopWith("INT"));
        }

        Assert.Equal(0, client.StopWith("INT"));
        output.WriteLine(client.Log);
    }

    [Fact]
    public async Task The_syfala_probe_and_discover_commands_read_a_running_servers_formats()
    {
        string dir = RepoPaths.NewTempDir("syfala-probe");
        int port = FreePort();
        File.WriteAllText(Path.Combine(dir, "server.yaml"), ServerGraph(port));
        using (var server = new CliProcess(dir, "run", "server.yaml"))
        {
            await server.WaitForLogAsync("listening on", TestContext.Current.CancellationToken);
            Cli.Result probe = Cli.Run(dir, "syfala", "probe", $"127.0.0.1:{port}");
            Assert.True(probe.ExitCode == 0, probe.StdErr);
            Assert.Equal(
                [$"127.0.0.1:{port}", "  input  0 (server → client): 1 ch i16 at 48000 Hz, buffer 32 frames", "  output 0 (client → server): 1 ch f32 at 48000 Hz, buffer 32 frames"],
                probe.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Cli.Result discover = Cli.Run(dir, "syfala", "discover", "--broadcast", $"127.0.0.1:{port}", "--timeout", "0.5");
            Assert.True(discover.ExitCode == 0, discover.StdErr);
            Assert.StartsWith($"127.0.0.1:{port}", discover.StdOut, StringComparison.Ordinal);
            await server.WaitForLogAsync("client disconnected", TestContext.Current.CancellationToken); // the probe left cleanly
            Assert.Equal(0, server.StopWith("INT"));
        }

        Cli.Result none = Cli.Run(dir, "syfala", "probe", $"127.0.0.1:{port}", "--timeout", "0.3");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("did not answer within 0.3 s", none.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run(dir, "syfala", "probe", "nonsense").ExitCode);
    }

    [GeneratedRegex(@"(\d\d:\d\d:\d\d\.\d\d\d) warn: \S+ client: server \S+ lost: no datagram")]
    private static partial Regex LostLine();
}
