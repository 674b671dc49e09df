using Microsoft.Extensions.Logging;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Engine.Runtime;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.HotReload;

/// <summary>
/// Watches a graph file and applies each saved version to a running graph (a <see cref="GraphSession"/>, DESIGN §5):
/// changes are debounced (<see cref="Debounce"/> of quiet, and never more than <see cref="MaxWait"/> after the first
/// change not yet applied, so a file rewritten faster than the debounce without a pause is still reloaded); the folder is watched rather than the file so editors that save by writing a
/// temporary file and renaming it are seen; an invalid file is reported with every <c>file:line:col</c>
/// error and the running graph is left untouched. Reloads run one at a time on the watcher's own task.
/// </summary>
public sealed class GraphFileWatcher : IDisposable
{
    private readonly string _displayPath;
    private readonly string _fullPath;
    private readonly GraphSession _session;
    private readonly NodeTypeRegistry _registry;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly DebouncedAction _reload;
    private string _lastText;
    private readonly Lock _reloadLock = new();

    /// <summary>Starts watching <paramref name="displayPath"/> (as the user typed it) for <paramref name="session"/>.</summary>
    /// <param name="displayPath">The graph file.</param>
    /// <param name="session">The running graph to apply changes to (restarted when an edit changes its clocks).</param>
    /// <param name="registry">Node types used to validate new versions.</param>
    /// <param name="logger">Where reloads and errors are reported.</param>
    /// <param name="debounce">Quiet time after the last change before reloading (editors write in bursts); 150 ms by default.</param>
    /// <param name="maxWait">
    /// Longest time from the first change not yet applied to the reload while changes keep coming; 1 s by default,
    /// at least <paramref name="debounce"/>.
    /// </param>
    public GraphFileWatcher(string displayPath, GraphSession session, NodeTypeRegistry registry, ILogger logger, TimeSpan? debounce = null,
        TimeSpan? maxWait = null)
    {
        _displayPath = displayPath;
        _fullPath = Path.GetFullPath(displayPath);
        _session = session;
        _registry = registry;
        _logger = logger;
        _lastText = File.ReadAllText(_fullPath);
        Debounce = debounce ?? DefaultDebounce;
        MaxWait = maxWait ?? (Debounce > DefaultMaxWait ? Debounce : DefaultMaxWait);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_fullPath)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnEvent;
        _watcher.Created += OnEvent;
        _watcher.Renamed += OnEvent;
        _reload = new DebouncedAction(Debounce, ReloadLocked, MaxWait,
            onError: ex => _logger.LogError(ex, "reload: {File}: {Message}; the running graph is unchanged", _displayPath, ex.Message));
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Raised after each successful reload, on the watcher's task.</summary>
    public event Action<ReloadSummary>? Reloaded;

    /// <summary>Raised after each rejected version (invalid file, or a change that needs a restart), on the watcher's task.</summary>
    public event Action<string>? Rejected;

    /// <summary>The default <see cref="Debounce"/>: 150 ms.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(150);

    /// <summary>The default <see cref="MaxWait"/>: 1 s.</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromSeconds(1);

    /// <summary>The debounce interval.</summary>
    public TimeSpan Debounce { get; }

    /// <summary>The longest time from the first change not yet applied to its reload, however fast changes keep coming.</summary>
    public TimeSpan MaxWait { get; }

    private bool ChangedSince(string text)
    {
        try
        {
            return File.ReadAllText(_fullPath) != text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true; // gone or being replaced: its next version raises an event
        }
    }

    /// <summary>Stops watching; waits for a reload in progress.</summary>
    public void Dispose()
    {
        _watcher.Dispose();
        _reload.Dispose();
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        string? path = e is RenamedEventArgs r ? r.FullPath : e.FullPath;
        if (string.Equals(path, _fullPath, StringComparison.Ordinal))
        {
            _reload.Signal();
        }
    }

    /// <summary>
    /// Re-validates and applies the graph file now, even when its text did not change (the node types did: a
    /// plugin was loaded or replaced). Blocks until applied or rejected. Audio thread: no.
    /// </summary>
    public void Retry()
    {
        lock (_reloadLock)
        {
            _lastText = "";
            Reload();
        }
    }

    private void ReloadLocked()
    {
        lock (_reloadLock)
        {
            Reload();
        }
    }

    private void Reload()
    {
        string text;
        try
        {
            text = File.ReadAllText(_fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("reload: cannot read {File}: {Message}", _displayPath, ex.Message);
            return;
        }

        if (text == _lastText)
        {
            return;
        }

        _lastText = text;
        try
        {
            ValidatedGraph next = GraphValidator.Load(text, _displayPath, _fullPath, _registry);
            ReloadSummary? summary = _session.Apply(next);
            if (summary is null)
            {
                return; // restarted: the session logged why and how long it took
            }

            if (summary.IsEmpty)
            {
                _logger.LogInformation("reload: {File}: nothing to change", _displayPath);
            }
            else
            {
                _logger.LogInformation("reload: {Summary}", summary);
            }

            Reloaded?.Invoke(summary);
        }
        catch (GraphException ex) when (ChangedSince(text))
        {
            // The file was written again while this version was read: an editor that truncates and rewrites in place
            // can be caught half-way. The write raises its own event; that version is the one to judge.
            _logger.LogDebug("reload: {File} changed while it was read; waiting for the next version ({Errors} error(s) in the one read)", _displayPath, ex.Errors.Count);
        }
        catch (GraphException ex)
        {
            foreach (GraphError e in ex.Errors)
            {
                _logger.LogError("{Error}", e.ToString());
            }

            _logger.LogError("reload: {File} has {Count} error(s); the running graph is unchanged", _displayPath, ex.Errors.Count);
            Rejected?.Invoke(ex.Message);
        }
        catch (Exception ex) when (ex is NotSupportedException or GraphRuntimeException)
        {
            _logger.LogError("reload: {Message}; the running graph is unchanged", ex.Message);
            Rejected?.Invoke(ex.Message);
        }
    }
}
