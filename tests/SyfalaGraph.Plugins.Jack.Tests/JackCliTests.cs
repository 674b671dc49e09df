using System.Diagnostics;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.Jack.Tests;

/// <summary>jack.client through the real <c>syfala-graph</c> process, reaching the server through <c>JACK_DEFAULT_SERVER</c>.</summary>
public sealed class JackCliTests
{
    private const string Graph = """
        version: 1
        settings: { sample_rate: auto, clock: jack }
        nodes:
          jack: { type: jack.client, params: { client_name: from-env, inputs: 1, outputs: 1 } }
          gain: { type: gain, params: { gain_db: -6 } }
        links:
          - jack.capture -> gain.in
          - gain.out -> jack.playback
        """;

    [Fact]
    public async Task Without_server_name_the_client_joins_the_server_named_by_JACK_DEFAULT_SERVER()
    {
        using JackServer server = JackServer.Start("sg-cli-env");
        string dir = RepoPaths.NewTempDir("jack-cli");
        System.IO.File.WriteAllText(Path.Combine(dir, "g.yaml"), Graph);
        using Process p = StartCli(dir, server.Name, "run", "g.yaml", "--duration", "3");
        Task<string> stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        bool seen = JackGraphs.WaitUntil(() => server.Ports().Contains("from-env:in_1"), 30);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        string log = await stdout + await stderr;
        TestContext.Current.TestOutputHelper?.WriteLine(log);
        Assert.True(seen, "from-env:in_1 appeared in jack_lsp while the CLI ran");
        Assert.Equal(0, p.ExitCode);
        Assert.Contains($"on server '{server.Name}'", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_running_server_exits_with_1_and_a_hint()
    {
        string name = "sg-none-" + Guid.NewGuid().ToString("N")[..6];
        string dir = RepoPaths.NewTempDir("jack-cli");
        System.IO.File.WriteAllText(Path.Combine(dir, "g.yaml"), Graph);
        using Process p = StartCli(dir, name, "run", "g.yaml", "--duration", "1");
        Task<string> stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        string log = await stdout + await stderr;
        TestContext.Current.TestOutputHelper?.WriteLine(log);
        Assert.Equal(1, p.ExitCode);
        Assert.Contains($"no JACK server named '{name}' is running", log, StringComparison.Ordinal);
        Assert.Contains($"jackd -n {name} -d dummy", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot connect to server socket", log, StringComparison.Ordinal); // libjack's own lines: captured, not printed
    }

    private static Process StartCli(string dir, string jackServer, params string[] args)
    {
        string cli = Path.Combine(RepoPaths.CliBin, "syfala-graph.dll");
        Assert.True(System.IO.File.Exists(cli), cli);
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(cli);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["JACK_DEFAULT_SERVER"] = jackServer;
        psi.Environment["JACK_NO_START_SERVER"] = "1";
        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
    }
}
