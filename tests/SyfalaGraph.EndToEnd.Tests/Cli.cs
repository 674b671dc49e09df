using System.Diagnostics;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>Runs the built <c>syfala-graph</c> as a separate process, as a user would; always stops it within a bound.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static string Dll => Path.Combine(RepoPaths.CliBin, "syfala-graph.dll");

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, TimeSpan.FromSeconds(120), args);

    public static Result Run(string workingDirectory, TimeSpan timeout, params string[] args) => Run(workingDirectory, timeout, null, args);

    /// <summary>Runs the CLI with extra environment variables (e.g. <c>JACK_DEFAULT_SERVER</c>).</summary>
    public static Result Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using Process p = Start(workingDirectory, environment, args);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"syfala-graph {string.Join(' ', args)} did not finish in {timeout}: {stderr.Result}");
        }

        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Process Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    /// <summary>Starts the CLI with extra environment variables (e.g. <c>JACK_DEFAULT_SERVER</c>).</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        // Through coreutils env: a test run started from a background job inherits SIGINT as ignored, and .NET
        // (rightly, as nohup expects) keeps an inherited SIG_IGN; the CLI is tested with default dispositions.
        var psi = new ProcessStartInfo("env")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        psi.ArgumentList.Add("--default-signal=INT,TERM");
        psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(Dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
    }
}
