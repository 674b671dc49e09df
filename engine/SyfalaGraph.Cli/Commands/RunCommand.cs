using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.HotReload;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Validation;
using SyfalaGraph.Cli.Stats;

namespace SyfalaGraph.Cli.Commands;

/// <summary><c>syfala-graph run GRAPH</c>: validates, builds and runs a graph until it ends, the duration passes, or Ctrl-C / SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        Argument<string> graph = CommonOptions.Graph();
        Option<string?> plugins = CommonOptions.Plugins();
        Option<bool> verbose = CommonOptions.Verbose();
        var duration = new Option<double?>("--duration")
        {
            Description = "Stop after this many seconds: of wall-clock time since run started for a real-time graph (a --watch restart does not start it again), of audio for an offline render",
        };
        var stats = new Option<bool>("--stats")
        {
            Description = "Show a status table every second, like pw-top (cycle load, longest block, xruns, faults, per-node time, meter levels): redrawn in place on a terminal, plain lines when stderr is not one",
        };
        var json = new Option<bool>("--json") { Description = "With --stats: print one JSON object per second on stdout instead of the table (for scripts)" };
        var watch = new Option<bool>("--watch") { Description = "Apply edits of the graph file, and new or rebuilt plugins, while it runs (unchanged nodes keep playing)" };
        var command = new Command("run", "Run a graph") { graph, plugins, duration, stats, json, watch, verbose };
        command.Validators.Add(result =>
        {
            if (result.GetValue(json) && !result.GetValue(stats))
            {
                result.AddError("--json needs --stats: it is the format of the status reports");
            }
        });
        command.SetAction((parse, token) => RunAsync(parse.GetValue(graph)!, parse.GetValue(plugins), parse.GetValue(duration),
            !parse.GetValue(stats) ? StatsMode.None : parse.GetValue(json) ? StatsMode.Json : Console.IsErrorRedirected ? StatsMode.Plain : StatsMode.Live,
            parse.GetValue(watch), parse.GetValue(verbose), token));
        return command;
    }

    /// <summary>How <c>--stats</c> reports: not at all, plain lines on stderr, a frame redrawn in place on the terminal, JSON lines on stdout.</summary>
    private enum StatsMode
    {
        None,
        Plain,
        Live,
        Json,
    }

    private static async Task<int> RunAsync(string path, string? pluginsDir, double? duration, StatsMode stats, bool watch, bool verbose, CancellationToken token)
    {
        if (duration is <= 0)
        {
            Console.Error.WriteLine("--duration must be a positive number of seconds");
            return ExitCodes.InvalidInput;
        }

        // Before the logger exists: it keeps the Console.Error it finds, and the live view must see its writes.
        LiveConsole? live = stats == StatsMode.Live ? new LiveConsole(Console.Error) : null;
        if (live is not null)
        {
            Console.SetError(live);
        }

        using IHost host = CliServices.BuildHost(verbose);
        await host.StartAsync(token);
        ILogger logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SyfalaGraph");
        using PluginHost pluginHost = CliServices.LoadPlugins(host, pluginsDir, replaceable: watch);
        ValidatedGraph? graph;
        try
        {
            graph = GraphValidator.LoadFile(path, host.Services.GetRequiredService<NodeTypeRegistry>());
            if (RenderEndCheck.Check(graph, duration) is { } endless)
            {
                throw new GraphException([endless]);
            }
        }
        catch (GraphException ex) when (watch)
        {
            // With --watch, an invalid file (or one that needs node types a plugin will bring) is waited for.
            GraphErrors.Report(ex);
            logger.LogWarning("{File} is not valid yet: waiting for it, or the plugins directory, to change", path);
            graph = null;
        }
        catch (GraphException ex)
        {
            return GraphErrors.Report(ex);
        }
        catch (FileNotFoundException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Checking a graph runs plugin code (parameter records): a damaged plugin must not end run with a crash.
            logger.LogError("{File}: checking the graph failed: {Exception}", path, ex);
            return ExitCodes.RuntimeFailure;
        }

        var options = new RuntimeOptions { DurationSeconds = duration, MeasureNodeTimes = stats != StatsMode.None };
        GraphRuntime? runtime = null;
        try
        {
            if (graph is not null)
            {
                runtime = GraphRuntime.Create(graph, host.Services, options);
                RealtimeStart.Apply(graph.Settings, offline: graph.Settings.Clock == ClockKind.Offline && graph.Domains.Count == 1, logger);
                runtime.Start();
            }
        }
        catch (GraphRuntimeException ex)
        {
            logger.LogError("{Message}", ex.Message);
            return ExitCodes.RuntimeFailure;
        }
        catch (GraphException ex)
        {
            return GraphErrors.Report(ex); // a node refuses the rate a driver gave its domain: nothing was created
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not a node's guarded step: plugin code the engine calls elsewhere (or an engine bug), reported in full.
            logger.LogError("the graph cannot start: {Exception}", ex);
            return ExitCodes.RuntimeFailure;
        }

        var session = new GraphSession(runtime, host.Services, options, logger);
        using (session)
        {
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(token, lifetime.ApplicationStopping);
            using GraphFileWatcher? watcher = watch
                ? new GraphFileWatcher(path, session, host.Services.GetRequiredService<NodeTypeRegistry>(), logger)
                : null;
            using PluginDirectoryWatcher? pluginWatcher = watcher is null ? null : new PluginDirectoryWatcher(pluginHost, watcher, logger);
            var wall = Stopwatch.StartNew();
            bool offline = graph?.Settings.Clock == ClockKind.Offline;
            if (offline && stats == StatsMode.None && !Console.IsErrorRedirected && runtime?.LengthFrames is long length)
            {
                await ShowProgressAsync(session, length, stop.Token);
            }
            else
            {
                using var levels = stats == StatsMode.None ? null : new LevelListener();
                if (stats == StatsMode.Plain)
                {
                    Array.ForEach(StatsReport.Legend, Console.Error.WriteLine);
                }

                await WaitAsync(session, stats, levels, live, wall, stop.Token);
                live?.Freeze();
            }

            pluginWatcher?.Dispose();
            watcher?.Dispose();
            if (!session.HasGraph)
            {
                logger.LogError("stopped before {File} became valid: nothing ran", path);
                await host.StopAsync(CancellationToken.None);
                return ExitCodes.InvalidInput;
            }

            runtime = session.Current; // the graph may have been restarted by an edit of its clocks
            bool interrupted = !session.Completion.IsCompleted;
            runtime.Stop(); // driver first, then services: writers drain and finalise their files
            wall.Stop();
            double audioSeconds = runtime.FramesProcessed / runtime.SampleRate;
            logger.LogInformation(
                "{How} after {Audio:F3} s of audio in {Wall:F3} s ({Factor:F1}x real time): {Cycles} blocks, {Xruns} xruns, {Late} late blocks, {Faults} faults, " +
                "block time mean {Mean:F1} us / max {Max:F1} us of a {Period:F0} us period, audio-thread allocations after warm-up: {Alloc} bytes in {AllocBlocks} block(s){Restarts}",
                runtime.Failures > 0 ? "failed" : interrupted ? "stopped" : "ended", audioSeconds, wall.Elapsed.TotalSeconds, audioSeconds / Math.Max(wall.Elapsed.TotalSeconds, 1e-9),
                runtime.Cycles, runtime.Xruns, runtime.LateBlocks, runtime.Faults, runtime.MeanCycleMicroseconds, runtime.MaxCycleMicroseconds, runtime.PeriodMicroseconds,
                Math.Max(0, runtime.AudioThreadAllocatedBytes), runtime.AudioThreadAllocatingBlocks, session.Restarts == 0 ? "" : $" (figures since the last of {session.Restarts} restart(s))");
            int code = runtime.Faults > 0 || runtime.Failures > 0 ? ExitCodes.RuntimeFailure : ExitCodes.Success;
            session.Dispose();
            await host.StopAsync(CancellationToken.None);
            return code;
        }
    }

    private static async Task WaitAsync(GraphSession session, StatsMode stats, LevelListener? levels, LiveConsole? live, Stopwatch wall, CancellationToken token)
    {
        while (!session.Completion.IsCompleted && !token.IsCancellationRequested)
        {
            try
            {
                await session.Completion.WaitAsync(TimeSpan.FromSeconds(1), token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (levels is not null && session.HasGraph)
            {
                Report(session.Current, stats, levels.Collect(wall.Elapsed.TotalSeconds), live);
            }
        }
    }

    private static async Task ShowProgressAsync(GraphSession session, long length, CancellationToken token)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
            new RemainingTimeColumn()).StartAsync(async ctx =>
        {
            ProgressTask task = ctx.AddTask("rendering", maxValue: length);
            while (!session.Completion.IsCompleted && !token.IsCancellationRequested)
            {
                task.Value = Math.Min(length, session.Current.FramesProcessed);
                try
                {
                    await session.Completion.WaitAsync(TimeSpan.FromMilliseconds(100), token);
                }
                catch (TimeoutException)
                {
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            task.Value = length;
        });
    }

    private static void Report(GraphRuntime runtime, StatsMode stats, IReadOnlyList<(string, int, LevelListener.Level)> levels, LiveConsole? live)
    {
        switch (stats)
        {
            case StatsMode.Json:
                Console.Out.WriteLine(StatsReport.Json(runtime, levels));
                Console.Out.Flush();
                break;
            case StatsMode.Live:
                List<string> lines = StatsReport.Lines(runtime, levels, unicode: Console.OutputEncoding.CodePage == 65001);
                lines.AddRange(StatsReport.Legend);
                live!.Show(lines);
                break;
            default:
                foreach (string line in StatsReport.Lines(runtime, levels, unicode: false))
                {
                    Console.Error.WriteLine(line);
                }

                break;
        }
    }
}
