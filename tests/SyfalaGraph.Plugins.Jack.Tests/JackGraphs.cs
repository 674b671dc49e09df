using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Validation;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.Jack.Tests;

/// <summary>Builds in-process graph runtimes with the Jack, Core and File plugins and the test-only stall node.</summary>
internal static class JackGraphs
{
    public static ValidatedGraph Load(string yaml, string? directory = null)
    {
        var registry = new NodeTypeRegistry();
        Assert.Empty(registry.AddAssembly(typeof(JackClientNode).Assembly, "Jack"));
        Assert.Empty(registry.AddAssembly(typeof(SyfalaGraph.Plugins.Core.GainNode).Assembly, "Core"));
        Assert.Empty(registry.AddAssembly(typeof(SyfalaGraph.Plugins.File.FileReaderNode).Assembly, "File"));
        Assert.Empty(registry.AddAssembly(typeof(StallNode).Assembly, "Test"));
        string dir = directory ?? Path.GetTempPath();
        return GraphValidator.Load(yaml, "g.yaml", Path.Combine(dir, "g.yaml"), registry);
    }

    public static ServiceProvider Services() => new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();

    /// <summary>Polls <paramref name="condition"/> every 20 ms for at most <paramref name="seconds"/>.</summary>
    public static bool WaitUntil(Func<bool> condition, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return condition();
    }

    /// <summary>The connections of every port, from <c>jack_lsp -c</c>: "source -> destination" for output ports' lines.</summary>
    public static HashSet<string> Connections(JackServer server)
    {
        (int code, string output) = server.RunTool("jack_lsp", "-c");
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (code != 0)
        {
            return set;
        }

        string? port = null;
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(' ') || line.StartsWith('\t'))
            {
                set.Add($"{port} -> {line.Trim()}");
            }
            else
            {
                port = line.Trim();
            }
        }

        return set;
    }

    /// <summary>Runs the runtime until <paramref name="seconds"/> of frames went through it (bounded by 30 s wall time).</summary>
    public static bool RunFor(GraphRuntime runtime, double seconds) =>
        WaitUntil(() => runtime.FramesProcessed >= seconds * runtime.SampleRate, 30 + seconds);
}
