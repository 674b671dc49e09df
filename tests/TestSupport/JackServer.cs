using System.Diagnostics;

namespace SyfalaGraph.Tests;

/// <summary>
/// A real JACK server (Debian's <c>jackd2</c>) on the dummy driver, under a unique server name, started for a
/// test and stopped by PID. Clients reach it by passing <see cref="Name"/> as the server name, or through the
/// <c>JACK_DEFAULT_SERVER</c> environment variable (what PortAudio's JACK host API and jack_lsp read).
/// </summary>
internal sealed class JackServer : IDisposable
{
    private readonly Process _process;
    private System.Text.StringBuilder? _log;

    private JackServer(string name, int sampleRate, int periodFrames, Process process)
    {
        Name = name;
        SampleRate = sampleRate;
        PeriodFrames = periodFrames;
        _process = process;
    }

    /// <summary>The server name (<c>jackd -n</c>).</summary>
    public string Name { get; }

    /// <summary>The sample rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>The period in frames.</summary>
    public int PeriodFrames { get; }

    /// <summary>The jackd process id.</summary>
    public int Pid => _process.Id;

    /// <summary>What jackd printed so far (standard output and error), for failure messages.</summary>
    public string Log
    {
        get
        {
            System.Text.StringBuilder? log = _log;
            if (log is null)
            {
                return "";
            }

            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>True while jackd runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>
    /// Starts <c>jackd --no-realtime -n NAME -d dummy -r RATE -p PERIOD</c> and waits (at most 10 s) until
    /// <c>jack_lsp</c> can reach it.
    /// </summary>
    /// <param name="prefix">The start of the unique server name.</param>
    /// <param name="sampleRate">Sample rate in Hz.</param>
    /// <param name="periodFrames">Period in frames.</param>
    /// <param name="name">A fixed server name (to restart a server under the same name), or null for a new one.</param>
    /// <exception cref="InvalidOperationException">jackd is not installed, exited, or did not come up in time.</exception>
    public static JackServer Start(string prefix = "sg", int sampleRate = 48000, int periodFrames = 64, string? name = null)
    {
        name ??= $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        var psi = new ProcessStartInfo("jackd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "--no-realtime", "-n", name, "-d", "dummy", "-r", sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-p", periodFrames.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        var log = new System.Text.StringBuilder();
        Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start jackd (install Debian's jackd2)");
        p.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        p.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var server = new JackServer(name, sampleRate, periodFrames, p) { _log = log };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (p.HasExited)
            {
                lock (log)
                {
                    throw new InvalidOperationException($"jackd -n {name} exited with {p.ExitCode}: {log}");
                }
            }

            if (server.TryListPorts(out _))
            {
                return server;
            }

            Thread.Sleep(100);
        }

        server.Dispose();
        throw new InvalidOperationException($"jackd -n {name} did not answer within 10 s");
    }

    /// <summary>The names of the server's ports (<c>jack_lsp</c>); empty when it cannot be reached.</summary>
    public IReadOnlyList<string> Ports() => TryListPorts(out var ports) ? ports : [];

    /// <summary>Runs a JACK command-line tool (jack_lsp, jack_connect…) against this server, with a 10 s limit.</summary>
    /// <returns>The exit code and standard output.</returns>
    public (int ExitCode, string Output) RunTool(string tool, params string[] arguments)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["JACK_DEFAULT_SERVER"] = Name;
        psi.Environment["JACK_NO_START_SERVER"] = "1";
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + tool);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(10_000))
        {
            p.Kill(entireProcessTree: true);
            return (-1, "");
        }

        return (p.ExitCode, stdout.Result);
    }

    /// <summary>Stops jackd by PID (SIGTERM, then SIGKILL after 5 s) and waits for it.</summary>
    public void Dispose()
    {
        if (_process.HasExited)
        {
            _process.Dispose();
            return;
        }

        using (Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
        }

        if (!_process.WaitForExit(5_000))
        {
            _process.Kill();
            _process.WaitForExit(5_000);
        }

        _process.Dispose();
    }

    private bool TryListPorts(out IReadOnlyList<string> ports)
    {
        (int code, string output) = RunTool("jack_lsp");
        ports = code == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        return code == 0;
    }
}
