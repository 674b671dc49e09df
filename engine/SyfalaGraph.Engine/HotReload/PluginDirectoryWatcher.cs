using Microsoft.Extensions.Logging;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Engine.HotReload;

/// <summary>
/// Watches the plugins directory while a graph runs (DESIGN §5). A new plugin folder is loaded and its node
/// types become available (the graph file is then re-applied, so an edit that failed for want of them is
/// retried). A changed plugin assembly is loaded into a new collectible context from a fresh shadow copy; the
/// graph is re-applied, which recreates the nodes of that plugin's types at a block boundary (their type is
/// now another <see cref="Type"/>); then the old context is unloaded and its collection verified.
/// </summary>
public sealed class PluginDirectoryWatcher : IDisposable
{
    private readonly PluginHost _host;
    private readonly GraphFileWatcher _graph;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly DebouncedAction _reload;

    /// <summary>Starts watching <paramref name="host"/>'s plugins directory.</summary>
    /// <param name="host">The plugin host whose directory is watched.</param>
    /// <param name="graph">The graph watcher to re-apply the graph through after plugins change.</param>
    /// <param name="logger">Where loads, replacements and unloads are reported.</param>
    /// <param name="debounce">Quiet time after the last file event of a folder (a build writes several files).</param>
    public PluginDirectoryWatcher(PluginHost host, GraphFileWatcher graph, ILogger logger, TimeSpan? debounce = null)
    {
        _host = host;
        _graph = graph;
        _logger = logger;
        Debounce = debounce ?? TimeSpan.FromMilliseconds(500);
        Directory.CreateDirectory(host.PluginsDirectory);
        _watcher = new FileSystemWatcher(host.PluginsDirectory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size,
        };
        _watcher.Changed += OnEvent;
        _watcher.Created += OnEvent;
        _watcher.Renamed += OnEvent;
        _reload = new DebouncedAction(Debounce, ReloadPending, MaxWait,
            onError: ex => _logger.LogError(ex, "plugins directory {Dir}: reload failed: {Message}", host.PluginsDirectory, ex.Message));
        _watcher.Error += (_, e) => _logger.LogError("watching {Dir} failed: {Message}", host.PluginsDirectory, e.GetException().Message);
        _watcher.EnableRaisingEvents = true;
        // A folder that appeared between the first scan and the watch starting is picked up now.
        foreach (string folder in Directory.GetDirectories(host.PluginsDirectory))
        {
            if (!host.Plugins.ContainsKey(Path.GetFileName(folder)))
            {
                Enqueue(Path.GetFileName(folder));
            }
        }

        _logger.LogInformation("watching {Dir} for new and rebuilt plugins", host.PluginsDirectory);
    }

    /// <summary>The debounce interval: 500 ms of quiet by default (a build writes several files).</summary>
    public TimeSpan Debounce { get; }

    /// <summary>
    /// The longest time from the first change not yet applied to the reload, however fast changes keep coming: 5 s,
    /// or <see cref="Debounce"/> if longer. A file that is written without pause in a plugin folder (a log, a
    /// download in progress) then delays a reload by at most this, instead of forever.
    /// </summary>
    public TimeSpan MaxWait => Debounce > DefaultMaxWait ? Debounce : DefaultMaxWait;

    /// <summary>The default <see cref="MaxWait"/>: 5 s, longer than a plugin build takes to write its output.</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromSeconds(5);

    /// <summary>Stops watching; waits for a reload in progress.</summary>
    public void Dispose()
    {
        _watcher.Dispose();
        _reload.Dispose();
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        string relative = Path.GetRelativePath(_host.PluginsDirectory, e.FullPath);
        string folder = relative.Split(Path.DirectorySeparatorChar)[0];
        if (folder is "." or "..")
        {
            return;
        }

        _logger.LogDebug("plugins directory: {Change} {Path}", e.ChangeType, e.FullPath);
        Enqueue(folder);
    }

    private void Enqueue(string folder)
    {
        lock (_gate)
        {
            _pending.Add(folder);
        }

        _reload.Signal();
    }

    private void ReloadPending()
    {
        string[] folders;
        lock (_gate)
        {
            folders = _pending.ToArray();
            _pending.Clear();
        }

        foreach (string folder in folders)
        {
            try
            {
                Reload(Path.Combine(_host.PluginsDirectory, folder));
            }
            catch (Exception ex)
            {
                _logger.LogError("plugin folder {Folder}: reload failed: {Exception}", folder, ex);
            }
        }
    }

    private void Reload(string folder)
    {
        string name = Path.GetFileName(folder);
        if (!Directory.Exists(folder) || Directory.GetFiles(folder, "*.deps.json").Length == 0)
        {
            return; // removed, or not a complete plugin yet (a later event brings the rest)
        }

        if (!LoadAndApply(folder, out WeakReference? previous))
        {
            return;
        }

        if (previous is not null)
        {
            if (WaitCollected(previous, TimeSpan.FromSeconds(5)))
            {
                _logger.LogInformation("plugin {Name}: the previous version's context was unloaded and collected", name);
            }
            else
            {
                // Expected when the graph could not be re-applied with the new version (a damaged rebuild): the nodes
                // of the previous version keep running, and keep their context alive until they are replaced.
                _logger.LogWarning("plugin {Name}: the previous version's context is still referenced 5 s after unloading (by its running nodes if the graph was not re-applied)", name);
            }
        }
    }

    /// <summary>
    /// Loads the folder, re-applies the graph, and unloads the previous context. Kept out of line so that no
    /// strong reference to the old context survives in the caller's frame (unoptimised code keeps locals alive
    /// to the end of their method) while the caller waits for it to be collected.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool LoadAndApply(string folder, out WeakReference? previousContext)
    {
        previousContext = null;
        LoadedPlugin plugin = _host.Load(folder, out PluginLoadContext? previous);
        if (plugin.Error is not null)
        {
            return false; // logged by the host; the running graph is untouched
        }

        _logger.LogInformation("plugin {Name} {How}: {Types}", plugin.Name, previous is null ? "loaded" : "reloaded", string.Join(", ", plugin.NodeTypes));
        _graph.Retry(); // re-validate with the new types: new nodes become possible, old-version nodes are recreated
        if (previous is not null)
        {
            previousContext = PluginHost.UnloadContext(previous);
        }

        return true;
    }

    private static bool WaitCollected(WeakReference weak, TimeSpan limit)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (weak.IsAlive && watch.Elapsed < limit)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(50);
        }

        return !weak.IsAlive;
    }
}
