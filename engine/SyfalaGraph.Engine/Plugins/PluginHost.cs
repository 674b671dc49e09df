using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// Loads every folder of the plugins directory into its own <see cref="PluginLoadContext"/> (collectible, or not: see
/// <see cref="Collectible"/>), from
/// a shadow copy so the files in the plugins directory are never locked, and registers their node types.
/// A plugin that fails to load is reported with its path and reason and does not stop the others.
/// Shadow copies live in <c>syfalagraph-shadow/</c> of the temp folder, one folder per host marked with an
/// <c>owner.pid</c> file (process id and start time); <see cref="LoadAll"/> first removes the folders whose owner
/// has ended without deleting them (a crash, SIGKILL).
/// </summary>
public sealed class PluginHost : IDisposable
{
    /// <summary>The name of the file that marks a shadow-copy folder with its owner: <c>pid startTimeUtcTicks</c>.</summary>
    public const string OwnerFileName = "owner.pid";

    /// <summary>Largest plugin folder copied, in bytes (512 MiB); a larger one is refused, and nothing more is read.</summary>
    public const long MaxPluginFolderBytes = 512L << 20;

    private readonly NodeTypeRegistry _registry;
    private readonly ILogger _logger;
    private readonly string _shadowRoot;
    private readonly Dictionary<string, LoadedPlugin> _plugins = new(StringComparer.Ordinal);
    private int _shadowCounter;

    /// <summary>
    /// Creates a host for <paramref name="pluginsDirectory"/>; nothing is loaded until <see cref="LoadAll"/>. See
    /// <see cref="Collectible"/> for <paramref name="collectible"/>.
    /// </summary>
    public PluginHost(string pluginsDirectory, NodeTypeRegistry registry, ILogger? logger = null, bool collectible = true)
    {
        Collectible = collectible;
        PluginsDirectory = Path.GetFullPath(pluginsDirectory);
        _registry = registry;
        _logger = logger ?? NullLogger.Instance;
        _shadowRoot = Path.Combine(ShadowParent, $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..16]);
    }

    /// <summary>The folder that holds every host's shadow copies: <c>syfalagraph-shadow</c> in the temp folder (<c>TMPDIR</c>).</summary>
    public static string ShadowParent => Path.Combine(Path.GetTempPath(), "syfalagraph-shadow");

    /// <summary>
    /// True: plugins load into collectible contexts, so a replaced or removed plugin's memory is freed, and the runtime
    /// JIT-compiles all their code (it ignores ReadyToRun code in collectible contexts). False, for hosts that never
    /// replace a plugin (validate, nodes, a run without --watch): the contexts stay until the process ends and the
    /// plugins' ReadyToRun code is used; <see cref="Unload"/> and <see cref="UnloadContext"/> then only forget the plugin.
    /// </summary>
    public bool Collectible { get; }

    /// <summary>The watched plugins directory (absolute).</summary>
    public string PluginsDirectory { get; }

    /// <summary>The plugins loaded so far, by folder name.</summary>
    public IReadOnlyDictionary<string, LoadedPlugin> Plugins => _plugins;

    /// <summary>The default plugins directory: <c>--plugins</c>, else <c>SYFALAGRAPH_PLUGINS</c>, else <c>plugins/</c> beside the executable.</summary>
    public static string ResolveDirectory(string? option) =>
        option ?? Environment.GetEnvironmentVariable("SYFALAGRAPH_PLUGINS") ?? Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Removes stale shadow copies (<see cref="RemoveStaleShadowCopies"/>), then loads every plugin folder. Returns the failures (also logged as warnings).</summary>
    public IReadOnlyList<LoadedPlugin> LoadAll()
    {
        IReadOnlyList<string> removed = RemoveStaleShadowCopies(ShadowParent);
        if (removed.Count > 0)
        {
            _logger.LogDebug("removed {Count} stale plugin shadow cop(ies) left in {Dir} by processes that have ended", removed.Count, ShadowParent);
        }

        var failures = new List<LoadedPlugin>();
        if (!Directory.Exists(PluginsDirectory))
        {
            _logger.LogWarning("plugins directory {Dir} does not exist: no node types are loaded", PluginsDirectory);
            return failures;
        }

        foreach (string folder in Directory.GetDirectories(PluginsDirectory).Order(StringComparer.Ordinal))
        {
            LoadedPlugin plugin = Load(folder);
            if (plugin.Error is not null)
            {
                failures.Add(plugin);
            }
        }

        return failures;
    }

    /// <summary>
    /// Loads (or reloads, into a new context) the plugin in <paramref name="folder"/>. On a reload the previous
    /// version's context is not unloaded here: the caller replaces that version's running nodes first, then calls
    /// <see cref="UnloadContext"/> with <paramref name="previous"/>.
    /// </summary>
    public LoadedPlugin Load(string folder, out PluginLoadContext? previous)
    {
        string key = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar));
        previous = _plugins.TryGetValue(key, out LoadedPlugin? old) ? old.Context : null;
        return Load(folder);
    }

    /// <summary>
    /// Unloads a context whose nodes have all been disposed; returns a weak reference to verify its collection (which
    /// never comes for a context that is not collectible: that one stays loaded).
    /// </summary>
    public static WeakReference UnloadContext(PluginLoadContext context)
    {
        var weak = new WeakReference(context);
        if (context.IsCollectible)
        {
            context.Unload();
        }

        return weak;
    }

    /// <summary>
    /// Loads (or reloads, into a new context) the plugin in <paramref name="folder"/>. Every step is isolated: the
    /// folder is copied, its <c>.deps.json</c> checked by <see cref="DepsJsonValidator"/> before the resolver reads it,
    /// the assembly loaded and its types scanned; whatever fails is reported with the path in the plugins directory
    /// (never the shadow copy's) and a JSON path for a bad manifest value. A failed reload keeps the previous version
    /// in use. Never throws because of a plugin's files.
    /// </summary>
    public LoadedPlugin Load(string folder)
    {
        string name = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar));
        string? shadow = null;
        LoadedPlugin result;
        try
        {
            string main = FindMainAssembly(folder, name);
            shadow = ShadowCopy(folder, name);
            string shadowMain = Path.Combine(shadow, Path.GetRelativePath(folder, main));
            // The copy is checked, not the original: that is the file the resolver reads, and nobody else writes it.
            if (DepsJsonValidator.ValidateFile(Path.ChangeExtension(shadowMain, ".deps.json")) is { } problem)
            {
                throw new InvalidOperationException($"{Path.ChangeExtension(main, ".deps.json")} is not a valid .deps.json: {problem}; rebuild the plugin");
            }

            var context = new PluginLoadContext(name, shadowMain, folder, Collectible);
            try
            {
                var assembly = context.LoadFromAssemblyPath(shadowMain);
                IReadOnlyList<string> problems = _registry.AddAssembly(assembly, name, folder);
                foreach (string p in problems)
                {
                    _logger.LogWarning("plugin {Folder}: {Problem}", folder, p.Replace(shadow, folder, StringComparison.Ordinal));
                }

                var types = _registry.Types.Values.Where(d => d.PluginName == name).Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
                result = new LoadedPlugin(name, folder, context, assembly, types, null);
            }
            catch
            {
                if (context.IsCollectible)
                {
                    context.Unload();
                }

                throw;
            }

            _logger.LogDebug("plugin {Name} loaded from {Folder}: {Types}", name, folder, string.Join(", ", result.NodeTypes));
        }
        catch (Exception ex)
        {
            // Whatever a plugin's files make the loader throw (BadImageFormatException, FileLoadException,
            // TypeLoadException, IOException from the copy...) is this plugin's failure, not the host's.
            string reason = ex is FileNotFoundException or BadImageFormatException or InvalidOperationException ? ex.Message : ex.GetType().Name + ": " + ex.Message;
            if (shadow is not null)
            {
                reason = reason.Replace(shadow, folder, StringComparison.Ordinal);
                DeleteShadow(shadow);
            }

            result = new LoadedPlugin(name, folder, null, null, [], reason);
            if (_plugins.TryGetValue(name, out LoadedPlugin? previous) && previous.Context is not null)
            {
                _logger.LogWarning("plugin {Folder} failed to load: {Reason}; its previous version stays in use", folder, reason);
                return result;
            }

            _logger.LogWarning("plugin {Folder} failed to load: {Reason}", folder, reason);
        }

        _plugins[name] = result;
        return result;
    }

    /// <summary>
    /// Unloads plugin <paramref name="name"/>'s context and forgets its node types. The caller must have
    /// disposed every node of it first. Returns a weak reference to the context so that collection can be verified.
    /// </summary>
    public WeakReference? Unload(string name)
    {
        if (!_plugins.Remove(name, out LoadedPlugin? plugin) || plugin.Context is null)
        {
            return null;
        }

        _registry.RemovePlugin(name);
        return UnloadContext(plugin.Context);
    }

    /// <summary>Deletes the shadow copies (what a crash leaves, the next host's <see cref="LoadAll"/> removes).</summary>
    public void Dispose()
    {
        if (Directory.Exists(_shadowRoot))
        {
            _ = DeleteShadow(_shadowRoot);
        }
    }

    private static string FindMainAssembly(string folder, string name)
    {
        var candidates = Directory.GetFiles(folder, "*.deps.json")
            .Select(deps => deps[..^".deps.json".Length] + ".dll")
            .Where(File.Exists)
            .ToList();
        foreach (string file in candidates.SelectMany(dll => new[] { dll, Path.ChangeExtension(dll, ".deps.json") }))
        {
            if (FileKind.NotRegular(file) is { } kind)
            {
                throw new InvalidOperationException($"{file} is {kind}, not a regular file: a plugin's assembly and manifest are files as `dotnet build` writes them");
            }
        }

        if (candidates.Count == 0)
        {
            throw new InvalidOperationException($"no plugin assembly in {folder} (expected a .dll with its .deps.json, as `dotnet build` of a plugin project produces)");
        }

        string main = candidates.Count == 1 ? candidates[0]
            : candidates.FirstOrDefault(c => Path.GetFileNameWithoutExtension(c).EndsWith("." + name, StringComparison.OrdinalIgnoreCase))
              ?? throw new InvalidOperationException($"several plugin assemblies in {folder}: {string.Join(", ", candidates.Select(Path.GetFileName))}; keep one per folder");
        return main;
    }

    /// <summary>
    /// Deletes the folders of <paramref name="shadowParent"/> marked with an <see cref="OwnerFileName"/> whose process is
    /// no longer running (no process with that id, or one that started at another time: the id was reused). Folders
    /// without a marker are not ours, or are being created, and are left alone. Returns the folders removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleShadowCopies(string shadowParent)
    {
        var removed = new List<string>();
        if (!Directory.Exists(shadowParent))
        {
            return removed;
        }

        foreach (string dir in Directory.GetDirectories(shadowParent))
        {
            if (ReadOwner(Path.Combine(dir, OwnerFileName)) is not (int pid, long startTicks) || IsRunning(pid, startTicks))
            {
                continue;
            }

            if (DeleteShadow(dir))
            {
                removed.Add(dir);
            }
        }

        return removed;
    }

    /// <summary>The marker's text for the current process: <c>pid startTimeUtcTicks</c>.</summary>
    internal static string OwnerText(int pid, long startTimeUtcTicks) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{pid} {startTimeUtcTicks}");

    private static (int Pid, long StartTicks)? ReadOwner(string path)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 64 || FileKind.NotRegular(path) is not null)
            {
                return null;
            }

            string[] parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length == 2
                && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long ticks)
                ? (pid, ticks) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRunning(int pid, long startTicks)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            // The start time read back from /proc is rounded to clock ticks: one second of tolerance.
            return Math.Abs(process.StartTime.ToUniversalTime().Ticks - startTicks) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // exists but cannot be inspected: not ours to judge
        }
    }

    private static bool DeleteShadow(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // still mapped (Windows), or not ours to delete
        }
    }

    private string ShadowCopy(string folder, string name)
    {
        if (!Directory.Exists(_shadowRoot))
        {
            Directory.CreateDirectory(_shadowRoot);
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            File.WriteAllText(Path.Combine(_shadowRoot, OwnerFileName), OwnerText(self.Id, self.StartTime.ToUniversalTime().Ticks));
        }

        string target = Path.Combine(_shadowRoot, $"{name}-{Interlocked.Increment(ref _shadowCounter)}");
        long budget = MaxPluginFolderBytes;
        try
        {
            foreach (string file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            {
                if (FileKind.NotRegular(file) is { } kind)
                {
                    // Opening a FIFO blocks until a writer comes; a device can be endless. Neither is a build output.
                    _logger.LogWarning("plugin folder {Folder}: {File} is {Kind}, not a regular file: not copied", folder, Path.GetRelativePath(folder, file), kind);
                    continue;
                }

                string dest = Path.Combine(target, Path.GetRelativePath(folder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                budget -= CopyBounded(file, dest, budget);
            }
        }
        catch
        {
            DeleteShadow(target);
            throw;
        }

        return target;
    }

    // Copies at most `budget` bytes: a link to /dev/zero or a file that keeps growing cannot fill the disk.
    private static long CopyBounded(string from, string to, long budget)
    {
        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        using var dest = new FileStream(to, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long copied = 0;
            int n;
            while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                copied += n;
                if (copied > budget)
                {
                    throw new IOException($"the plugin folder holds more than {MaxPluginFolderBytes} bytes (at {from}); a plugin folder is copied whole");
                }

                dest.Write(buffer, 0, n);
            }

            return copied;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
