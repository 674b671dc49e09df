using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Abstractions.Native;

/// <summary>
/// Maps the library names used in a plugin's <c>[LibraryImport]</c> declarations to the files installed on
/// this platform (<c>libjack.so.0</c>, <c>libsndfile.so.1</c>, … and their macOS/Windows names), and turns a
/// missing library into a <see cref="NodeException"/> that names the package to install.
/// </summary>
/// <remarks>
/// Call <see cref="Register"/> once per plugin assembly (e.g. from a static constructor of its interop
/// class), then <see cref="EnsureLoaded(string)"/> off the audio thread before the first native call (in
/// parameter validation or <see cref="AudioNode.Prepare"/>) so that the error surfaces there.
/// </remarks>
public static class NativeLibraryResolver
{
    private static readonly ConcurrentDictionary<string, NativeLibraryInfo> Known = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, IntPtr> Loaded = new(StringComparer.Ordinal);
    // Weak keys: a strong reference to a plugin assembly here would keep its collectible load context alive after unload.
    private static readonly ConditionalWeakTable<Assembly, object> Registered = new();

    /// <summary>Installs the resolver for <paramref name="assembly"/>'s P/Invokes and remembers <paramref name="libraries"/>.</summary>
    public static void Register(Assembly assembly, params NativeLibraryInfo[] libraries)
    {
        foreach (NativeLibraryInfo library in libraries)
        {
            if (Known.ContainsKey(library.Name) && Registered.TryGetValue(assembly, out _))
            {
                continue;
            }

            // Stored as copies made of host types: a plugin's collection expression (e.g. ["libfoo.so.1"] for an
            // IReadOnlyList) is an instance of a compiler-synthesised type of the plugin assembly, which would keep
            // the plugin's collectible load context alive from this static dictionary after unload.
            Known[library.Name] = library with
            {
                LinuxFiles = library.LinuxFiles.ToArray(),
                MacFiles = library.MacFiles.ToArray(),
                WindowsFiles = library.WindowsFiles.ToArray(),
            };
        }

        if (Registered.TryAdd(assembly, Known))
        {
            NativeLibrary.SetDllImportResolver(assembly, Resolve);
        }
    }

    /// <summary>
    /// Registers <paramref name="library"/> for <paramref name="assembly"/>'s P/Invokes (see <see cref="Register"/>) and
    /// loads it now: the one call a plugin's interop class makes before its first native call. Audio thread: no.
    /// </summary>
    /// <param name="assembly">The plugin assembly whose <c>[LibraryImport]</c>s name <paramref name="library"/> (e.g. <c>typeof(SndFile).Assembly</c>).</param>
    /// <param name="library">The library, usually one of <see cref="KnownNativeLibraries"/>.</param>
    /// <returns>The library's handle.</returns>
    /// <exception cref="NodeException">The library is not installed; the message names the package.</exception>
    public static IntPtr EnsureLoaded(Assembly assembly, NativeLibraryInfo library)
    {
        ArgumentNullException.ThrowIfNull(library);
        Register(assembly, library);
        return EnsureLoaded(library.Name);
    }

    /// <summary>As <see cref="EnsureLoaded(Assembly, NativeLibraryInfo)"/>, but on failure <paramref name="error"/> says what to install. Audio thread: no.</summary>
    public static bool TryLoad(Assembly assembly, NativeLibraryInfo library, out IntPtr handle, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(library);
        Register(assembly, library);
        return TryLoad(library.Name, out handle, out error);
    }

    /// <summary>Loads the library now; throws when it is missing.</summary>
    /// <exception cref="NodeException">The library is not installed; the message names the package.</exception>
    public static IntPtr EnsureLoaded(string name)
    {
        if (TryLoad(name, out IntPtr handle, out string? error))
        {
            return handle;
        }

        throw new NodeException(error);
    }

    /// <summary>Loads the library; on failure <paramref name="error"/> says what to install.</summary>
    public static bool TryLoad(string name, out IntPtr handle, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        if (Loaded.TryGetValue(name, out handle))
        {
            error = null;
            return true;
        }

        if (!Known.TryGetValue(name, out NativeLibraryInfo? info))
        {
            error = $"native library '{name}' is not registered with NativeLibraryResolver";
            return false;
        }

        IReadOnlyList<string> files = OperatingSystem.IsMacOS() ? info.MacFiles
            : OperatingSystem.IsWindows() ? info.WindowsFiles
            : info.LinuxFiles;
        foreach (string file in files)
        {
            if (NativeLibrary.TryLoad(file, out handle))
            {
                Loaded[name] = handle;
                error = null;
                return true;
            }
        }

        if (files.Count == 0)
        {
            error = $"native library '{name}' has no file name for this platform";
            return false;
        }

        error = OperatingSystem.IsLinux()
            ? $"{files[0]} is not installed: install the package {info.DebianPackage} (Debian/Ubuntu: apt-get install {info.DebianPackage})"
            : $"none of {string.Join(", ", files)} could be loaded: install {info.Name}";
        handle = IntPtr.Zero;
        return false;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        Known.ContainsKey(libraryName) && TryLoad(libraryName, out IntPtr handle, out _) ? handle : IntPtr.Zero;
}
