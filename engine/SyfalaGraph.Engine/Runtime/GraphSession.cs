using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Runtime;

// Design: most edits are applied to the running graph as a diff (GraphRuntime.Apply). An edit that changes
// what the clocks are — sample rate, block size, the clock, the set of drivers or a driver's parameters —
// cannot be: every domain shares the sample rate and every buffer was sized for the block. The session
// then restarts the graph: it builds and prepares the new runtime first (if that fails, the old one plays
// on, untouched), stops the old one (writers finalise their files), starts the new one and disposes the
// old. The gap is the time between the two, reported in the log. Completion follows the current runtime,
// not one that was replaced. A session may also start with no graph at all (run --watch on a file that is
// not valid yet, or needs node types a plugin will bring): the first valid version then starts it.

/// <summary>
/// The running graph across restarts: applies edits as diffs, and restarts the graph when an edit changes its
/// clocks (DESIGN §5: "a change of sample rate or block size restarts the affected domain and says so").
/// Audio thread: no.
/// </summary>
public sealed class GraphSession : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly RuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceCreated = Stopwatch.StartNew();
    private GraphRuntime? _current;
    private long _restarts;
    private double _offlineSecondsBefore; // audio rendered by the offline runtimes a restart replaced

    /// <summary>Wraps a started runtime, or none yet (the first valid version given to <see cref="Apply"/> starts).</summary>
    /// <param name="runtime">The running graph (the session owns it from now on), or null for a pending session.</param>
    /// <param name="services">Services for building a replacement.</param>
    /// <param name="options">Options for building a replacement.</param>
    /// <param name="logger">Where restarts are reported.</param>
    public GraphSession(GraphRuntime? runtime, IServiceProvider services, RuntimeOptions options, ILogger logger)
    {
        _current = runtime;
        _services = services;
        _options = options;
        _logger = logger;
        if (runtime is not null)
        {
            Follow(runtime);
        }
    }

    /// <summary>True once a graph runs (always, unless the session was created pending and no valid version came yet).</summary>
    public bool HasGraph => Volatile.Read(ref _current) is not null;

    /// <summary>The runtime playing now.</summary>
    /// <exception cref="InvalidOperationException">No graph runs yet (<see cref="HasGraph"/> is false).</exception>
    public GraphRuntime Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("no graph runs yet: the graph file is not valid");

    /// <summary>Restarts so far.</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary>Completes when the current runtime ends (not when a restart replaces it).</summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Applies <paramref name="next"/>: as a diff while the clocks stay as they are, else by restarting the graph.
    /// Serialised with other calls.
    /// </summary>
    /// <returns>The diff, or null when the graph was restarted (or started, for a pending session).</returns>
    /// <exception cref="GraphRuntimeException">The new graph could not be built (the old one plays on) or a reload failed.</exception>
    public ReloadSummary? Apply(ValidatedGraph next)
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _current) is not { } old)
            {
                StartFirst(next);
                return null;
            }

            try
            {
                return old.Apply(next);
            }
            catch (NotSupportedException ex)
            {
                Restart(old, next, ex.Message);
                return null;
            }
        }
    }

    /// <summary>Stops and disposes the current runtime.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            Volatile.Read(ref _current)?.Dispose();
        }
    }

    private void StartFirst(ValidatedGraph graph)
    {
        var watch = Stopwatch.StartNew();
        GraphRuntime fresh = GraphRuntime.Create(graph, _services, RemainingOptions(graph));
        try
        {
            fresh.Start();
        }
        catch
        {
            fresh.Dispose();
            throw;
        }

        Volatile.Write(ref _current, fresh);
        Follow(fresh);
        _logger.LogInformation("the graph file is valid now: the graph started in {Ms:F1} ms", watch.Elapsed.TotalMilliseconds);
    }

    private void Restart(GraphRuntime old, ValidatedGraph next, string reason)
    {
        string what = Describe(old.Graph.Settings, next.Settings) ?? reason;
        var watch = Stopwatch.StartNew();
        if (old.Graph.Settings.Clock == ClockKind.Offline)
        {
            _offlineSecondsBefore += old.FramesProcessed / old.SampleRate;
        }

        GraphRuntime fresh = GraphRuntime.Create(next, _services, RemainingOptions(next)); // throws: the old graph plays on
        old.Stop();
        long gapStart = watch.ElapsedTicks;
        try
        {
            fresh.Start();
        }
        catch
        {
            fresh.Dispose();
            _logger.LogError("restart: the new graph did not start; the old one was stopped ({What})", what);
            throw;
        }

        double gapMs = (watch.ElapsedTicks - gapStart) * 1000.0 / Stopwatch.Frequency;
        Volatile.Write(ref _current, fresh);
        Follow(fresh);
        old.Dispose();
        Interlocked.Increment(ref _restarts);
        _logger.LogWarning("restart: {What}: the graph restarted in {Total:F1} ms ({Gap:F1} ms between the old graph stopping and the new one starting)",
            what, watch.Elapsed.TotalMilliseconds, gapMs);
    }

    /// <summary>
    /// The options for a runtime that starts now: <see cref="RuntimeOptions.DurationSeconds"/> is what is left of it, so
    /// that a restart or a late first start does not begin it again. For a real-time graph it counts wall-clock time
    /// since the session was created (since <c>run</c> started); for an offline render, the audio already rendered.
    /// </summary>
    private RuntimeOptions RemainingOptions(ValidatedGraph graph)
    {
        if (_options.DurationSeconds is not double total)
        {
            return _options;
        }

        double spent = graph.Settings.Clock == ClockKind.Offline ? _offlineSecondsBefore : _sinceCreated.Elapsed.TotalSeconds;
        // At least one frame: a runtime of zero length would be one without a limit.
        return _options with { DurationSeconds = Math.Max(total - spent, 1.0 / (graph.Settings.SampleRate ?? 48_000)) };
    }

    private void Follow(GraphRuntime runtime) => runtime.Completion.ContinueWith(_ =>
    {
        if (ReferenceEquals(Volatile.Read(ref _current), runtime) && !runtime.IsStopping)
        {
            _completion.TrySetResult();
        }
    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static string? Describe(GraphSettings a, GraphSettings b)
    {
        var parts = new List<string>();
        if (a.SampleRate != b.SampleRate)
        {
            parts.Add($"sample_rate {a.SampleRate?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "auto"} -> {b.SampleRate?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "auto"} Hz");
        }

        if (a.BlockFrames != b.BlockFrames)
        {
            parts.Add($"block_frames {a.BlockFrames} -> {b.BlockFrames}");
        }

        if (a.Clock != b.Clock || a.ClockNode != b.ClockNode)
        {
            parts.Add($"clock {a.ClockNode ?? a.Clock.ToString().ToLowerInvariant()} -> {b.ClockNode ?? b.Clock.ToString().ToLowerInvariant()}");
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }
}
