using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Cli;

/// <summary>The Generic Host every command runs in: logging to stderr, metrics, the plugin host.</summary>
internal static class CliServices
{
    /// <summary>The level the global <c>--log-level</c> or <c>-q</c> asked for (set once by Program before any command runs); null: none.</summary>
    public static LogLevel? RequestedLevel { get; set; }

    /// <summary>The host, logging at <see cref="RequestedLevel"/>, else Debug with <paramref name="verbose"/>, else Information.</summary>
    public static IHost BuildHost(bool verbose)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(RequestedLevel ?? (verbose ? LogLevel.Debug : LogLevel.Information));
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.ColorBehavior = Console.IsErrorRedirected ? LoggerColorBehavior.Disabled : LoggerColorBehavior.Default;
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<NodeTypeRegistry>();
        return builder.Build();
    }

    /// <summary>
    /// Loads the plugins of <paramref name="pluginsOption"/> (or the default directory) into the host's registry.
    /// Into collectible contexts only when <paramref name="replaceable"/> (run --watch replaces plugins): anywhere
    /// else the runtime then uses the plugins' ReadyToRun code instead of JIT-compiling them (see <see cref="PluginHost.Collectible"/>).
    /// </summary>
    public static PluginHost LoadPlugins(IHost host, string? pluginsOption, bool replaceable = false)
    {
        var registry = host.Services.GetRequiredService<NodeTypeRegistry>();
        ILogger logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SyfalaGraph.Plugins");
        var plugins = new PluginHost(PluginHost.ResolveDirectory(pluginsOption), registry, logger, collectible: replaceable);
        plugins.LoadAll();
        return plugins;
    }
}
