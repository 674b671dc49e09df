using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// Loads every folder of the plugins directory into its own collectible <see cref="PluginLoadContext"/>, from
/// a shadow copy so the files in the plugins directory are never locked, and registers their node types.
/// A plugin that fails to load is reported with its path and reason and does not stop the others.
/// </summary>
public sealed class PluginHost : IDisposable
{
    private readonly NodeTypeRegistry _registry;
    private readonly ILogger _logger;
    private readonly string _shadowRoot;
    private readonly Dictionary<string, LoadedPlugin> _plugins = new(StringComparer.Ordinal);
    private int _shadowCounter;

    /// <summary>Creates a host for <paramref name="pluginsDirectory"/>; nothing is loaded until <see cref="LoadAll"/>.</summary>
    public PluginHost(string pluginsDirectory, NodeTypeRegistry registry, ILogger? logger = null)
    {
        PluginsDirectory = Path.GetFullPath(pluginsDirectory);
        _registry = registry;
        _logger = logger ?? NullLogger.Instance;
        _shadowRoot = Path.Combine(Path.GetTempPath(), "syfalagraph-shadow", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..16]);
    }

    /// <summary>The watched plugins directory (absolute).</summary>
    public string PluginsDirectory { get; }

    /// <summary>The plugins loaded so far, by folder name.</summary>
    public IReadOnlyDictionary<string, LoadedPlugin> Plugins => _plugins;

    /// <summary>The default plugins directory: <c>--plugins</c>, else <c>SYFALAGRAPH_PLUGINS</c>, else <c>plugins/</c> beside the executable.</summary>
    public static string ResolveDirectory(string? option) =>
        option ?? Environment.GetEnvironmentVariable("SYFALAGRAPH_PLUGINS") ?? Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Loads every plugin folder. Returns the failures (also logged as warnings).</summary>
    public IReadOnlyList<LoadedPlugin> LoadAll()
    {
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

    /// <summary>Unloads a context whose nodes have all been disposed; returns a weak reference to verify its collection.</summary>
    public static WeakReference UnloadContext(PluginLoadContext context)
    {
        var weak = new WeakReference(context);
        context.Unload();
        return weak;
    }

    /// <summary>Loads (or reloads, into a new context) the plugin in <paramref name="folder"/>.</summary>
    public LoadedPlugin Load(string folder)
    {
        string name = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar));
        LoadedPlugin result;
        try
        {
            string main = FindMainAssembly(folder, name);
            string shadow = ShadowCopy(folder, name);
            string shadowMain = Path.Combine(shadow, Path.GetRelativePath(folder, main));
            var context = new PluginLoadContext(name, shadowMain);
            var assembly = context.LoadFromAssemblyPath(shadowMain);
            _registry.RemovePlugin(name);
            IReadOnlyList<string> problems = _registry.AddAssembly(assembly, name, folder);
            foreach (string p in problems)
            {
                _logger.LogWarning("plugin {Folder}: {Problem}", folder, p);
            }

            var types = _registry.Types.Values.Where(d => d.PluginName == name).Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
            result = new LoadedPlugin(name, folder, context, assembly, types, null);
            _logger.LogDebug("plugin {Name} loaded from {Folder}: {Types}", name, folder, string.Join(", ", types));
        }
        catch (Exception ex)
        {
            string reason = ex is FileNotFoundException or BadImageFormatException or InvalidOperationException ? ex.Message : ex.GetType().Name + ": " + ex.Message;
            result = new LoadedPlugin(name, folder, null, null, [], reason);
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
        var weak = new WeakReference(plugin.Context);
        plugin.Context.Unload();
        return weak;
    }

    /// <summary>Deletes the shadow copies.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_shadowRoot))
            {
                Directory.Delete(_shadowRoot, recursive: true);
            }
        }
        catch (IOException)
        {
            // A loaded assembly may still be mapped; the OS temp cleaner takes the rest.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindMainAssembly(string folder, string name)
    {
        var candidates = Directory.GetFiles(folder, "*.deps.json")
            .Select(deps => deps[..^".deps.json".Length] + ".dll")
            .Where(File.Exists)
            .ToList();
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException($"no plugin assembly in {folder} (expected a .dll with its .deps.json, as `dotnet build` of a plugin project produces)");
        }

        string main = candidates.Count == 1 ? candidates[0]
            : candidates.FirstOrDefault(c => Path.GetFileNameWithoutExtension(c).EndsWith("." + name, StringComparison.OrdinalIgnoreCase))
              ?? throw new InvalidOperationException($"several plugin assemblies in {folder}: {string.Join(", ", candidates.Select(Path.GetFileName))}; keep one per folder");
        CheckDepsJson(Path.ChangeExtension(main, ".deps.json"));
        return main;
    }

    /// <summary>
    /// AssemblyDependencyResolver parses .deps.json in native code (hostpolicy), which aborts the whole process
    /// on some malformed files; a broken plugin must not take the host down, so the file is checked here first.
    /// </summary>
    private static void CheckDepsJson(string path)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            System.Text.Json.JsonElement root = doc.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object
                || !root.TryGetProperty("runtimeTarget", out System.Text.Json.JsonElement target)
                || !target.TryGetProperty("name", out System.Text.Json.JsonElement targetName)
                || targetName.ValueKind != System.Text.Json.JsonValueKind.String
                || !root.TryGetProperty("targets", out System.Text.Json.JsonElement targets)
                || !targets.TryGetProperty(targetName.GetString()!, out _)
                || !root.TryGetProperty("libraries", out _))
            {
                throw new InvalidOperationException($"{path} is not a valid .deps.json (runtimeTarget, targets or libraries missing); rebuild the plugin");
            }
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidOperationException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }

    private string ShadowCopy(string folder, string name)
    {
        string target = Path.Combine(_shadowRoot, $"{name}-{Interlocked.Increment(ref _shadowCounter)}");
        foreach (string file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(target, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
        }

        return target;
    }
}
