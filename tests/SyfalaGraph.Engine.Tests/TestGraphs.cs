using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Tests;

/// <summary>Builds registries and graphs from YAML text for tests.</summary>
internal static class TestGraphs
{
    public static NodeTypeRegistry Registry()
    {
        var registry = new NodeTypeRegistry();
        Assert.Empty(registry.AddAssembly(typeof(TestGraphs).Assembly, "tests"));
        Assert.Empty(registry.AddAssembly(typeof(SyfalaGraph.Plugins.Core.GainNode).Assembly, "Core"));
        return registry;
    }

    public static ValidatedGraph Load(string yaml) =>
        GraphValidator.Load(yaml, "g.yaml", Path.Combine(Path.GetTempPath(), "g.yaml"), Registry());

    public static IReadOnlyList<GraphError> Errors(string yaml)
    {
        var ex = Assert.Throws<GraphException>(() => Load(yaml));
        return ex.Errors;
    }

    /// <summary>Waits for the graph to end; false on time-out.</summary>
    public static bool WaitForEnd(SyfalaGraph.Engine.Runtime.GraphRuntime runtime, double seconds) =>
        runtime.Completion.Wait(TimeSpan.FromSeconds(seconds), TestContext.Current.CancellationToken);

    public static ServiceProvider Services() =>
        new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();
}
