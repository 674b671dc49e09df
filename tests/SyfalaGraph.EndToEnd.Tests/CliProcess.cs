using System.Diagnostics;
using System.Text;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>A running <c>syfala-graph</c> whose log (stderr) is collected as it comes; killed on dispose if still running.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public CliProcess(string workingDirectory, params string[] args)
        : this(workingDirectory, null, args)
    {
    }

    /// <summary>Starts the CLI with extra environment variables (e.g. TMPDIR); null for none.</summary>
    public CliProcess(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        _process = Cli.Start(workingDirectory, environment, args);
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Everything logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Waits (at most 20 s) until the log contains <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"'{text}' did not appear in the log within 20 s:\n{Log}");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Sends SIG<paramref name="signal"/> and waits at most 15 s for the exit; returns the exit code.</summary>
    public int StopWith(string signal)
    {
        TestAudio.Run("kill", $"-{signal} {_process.Id}");
        Assert.True(_process.WaitForExit(15_000), $"syfala-graph did not stop within 15 s of SIG{signal}");
        _process.WaitForExit(); // drains the log
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
