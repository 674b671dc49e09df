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
    /// Starts <c>jackd -R -n NAME -d dummy -r RATE -p PERIOD</c> and waits (at most 10 s) until
    /// <c>jack_lsp</c> can reach it.
    /// </summary>
    /// <remarks>
    /// Real-time, as JACK is run: its threads and its clients' process threads get SCHED_FIFO where the machine allows
    /// it (root, or an rtprio limit). Where it does not, jackd prints "Cannot use real-time scheduling" (kept in
    /// <see cref="Log"/>) and runs anyway. Without it, on a loaded 2-core machine, the dummy driver woke up late often
    /// enough for the bridges to see 118 underflows in 5 s; with it, 0–1.
    /// </remarks>
    /// <param name="prefix">The start of the unique server name.</param>
    /// <param name="sampleRate">Sample rate in Hz.</param>
    /// <param name="periodFrames">Period in frames.</param>
    /// <param name="name">A fixed server name (to restart a server under the same name), or null for a new one.</param>
    /// <exception cref="InvalidOperationException">jackd is not installed, exited, or did not come up in time.</exception>
    public static JackServer Start(string prefix = "sg", int sampleRate = 48000, int periodFrames = 64, string? name = null)
    {
        StopOrphans();
        name ??= $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            return StartOnce(name, sampleRate, periodFrames);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("Too many servers already active", StringComparison.Ordinal))
        {
            FreeStaleRegistrations();
            return StartOnce(name, sampleRate, periodFrames);
        }
    }

    private static JackServer StartOnce(string name, int sampleRate, int periodFrames)
    {
        var psi = new ProcessStartInfo("jackd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-R", "-n", name, "-d", "dummy", "-r", sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-p", periodFrames.ToString(System.Globalization.CultureInfo.InvariantCulture) })
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

    /// <summary>
    /// Stops jackd by PID (SIGTERM, then SIGKILL after 5 s), waits for it, and removes the POSIX semaphores
    /// (<c>/dev/shm/jack_sem.UID_SERVER_CLIENT</c>) that a client still open at the shutdown leaves behind.
    /// </summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            using (Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
            }

            if (!_process.WaitForExit(5_000))
            {
                _process.Kill();
                _process.WaitForExit(5_000);
            }
        }

        _process.Dispose();
        foreach (string semaphore in Directory.GetFiles("/dev/shm", $"jack_sem.*_{Name}_*"))
        {
            try
            {
                File.Delete(semaphore); // sem_unlink: a process that still has it open keeps it
            }
            catch (IOException)
            {
                // gone already
            }
            catch (UnauthorizedAccessException)
            {
                // another user's
            }
        }
    }

    /// <summary>
    /// Stops the jackd servers that a test process started and could not stop because it died (killed at a
    /// time-out, crashed): their names carry the dead process's id. jackd2 allows only a few servers at once.
    /// </summary>
    private static void StopOrphans()
    {
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            string[] args;
            try
            {
                args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            int n = Array.IndexOf(args, "-n");
            if (args.Length == 0 || Path.GetFileName(args[0]) != "jackd" || n < 0 || n + 1 >= args.Length)
            {
                continue;
            }

            // Our names: <prefix>-<creator pid>-<6 hex digits>.
            string[] parts = args[n + 1].Split('-');
            if (parts.Length >= 3 && int.TryParse(parts[^2], out int creator) && creator != Environment.ProcessId
                && !Directory.Exists("/proc/" + creator.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                try
                {
                    // SIGTERM first: jackd then removes itself from JACK's shared server registry (a killed one
                    // stays registered, and jackd2 refuses to start beyond a handful of registered servers).
                    using Process orphan = Process.GetProcessById(pid);
                    using (Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                    {
                    }

                    if (!orphan.WaitForExit(5_000))
                    {
                        orphan.Kill();
                    }
                }
                catch (ArgumentException)
                {
                    // already gone
                }
                catch (InvalidOperationException)
                {
                    // already gone
                }
            }
        }
    }

    /// <summary>
    /// jackd2 keeps at most 8 servers in its shared registry (/dev/shm/jack-shm-registry) and frees an entry only
    /// when its server stops cleanly or a server of the same name starts after it died. A server that was killed
    /// (a crashed test run) keeps its entry; starting and stopping a server under each such name frees them.
    /// </summary>
    private static void FreeStaleRegistrations()
    {
        string registry;
        try
        {
            registry = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes("/dev/shm/jack-shm-registry"));
        }
        catch (IOException)
        {
            return;
        }

        var running = Process.GetProcessesByName("jackd").Select(p => File.ReadAllText($"/proc/{p.Id}/cmdline")).ToList();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(registry, @"jack-\d+:([A-Za-z0-9_.\-]+):"))
        {
            string stale = m.Groups[1].Value;
            if (running.Any(c => c.Contains("\0" + stale + "\0", StringComparison.Ordinal)))
            {
                continue; // a live server
            }

            try
            {
                StartOnce(stale, 48000, 64).Dispose(); // takes over the dead server's entry, then frees it
            }
            catch (InvalidOperationException)
            {
                // not ours to free, or still busy: the retry will say
            }
        }
    }

    private bool TryListPorts(out IReadOnlyList<string> ports)
    {
        (int code, string output) = RunTool("jack_lsp");
        ports = code == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        return code == 0;
    }
}
