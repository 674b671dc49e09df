using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary><see cref="NativeLibraryResolver"/>: registered names resolve to installed files; missing ones name the package.</summary>
public sealed partial class NativeLibraryResolverTests
{
    private static readonly NativeLibraryInfo Libc = new("c", ["libc.so.6"], ["libc.dylib"], ["msvcrt.dll"], "libc6");

    [Fact]
    public void An_unregistered_name_fails_with_a_message_that_names_it()
    {
        const string Name = "syfalagraph-tests-never-registered";
        Assert.False(NativeLibraryResolver.TryLoad(Name, out IntPtr handle, out string? error));
        Assert.Equal(IntPtr.Zero, handle);
        Assert.Contains(Name, error, StringComparison.Ordinal);
        Assert.Contains("not registered", error, StringComparison.Ordinal);

        NodeException e = Assert.Throws<NodeException>(() => NativeLibraryResolver.EnsureLoaded(Name));
        Assert.Contains(Name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registered_library_that_is_not_installed_names_the_Debian_package_to_install()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the Debian package is named on Linux only");
        var missing = new NativeLibraryInfo(
            "syfalagraph-tests-missing",
            ["libsyfalagraph-tests-missing.so.3", "libsyfalagraph-tests-missing.so"],
            ["libsyfalagraph-tests-missing.dylib"],
            ["syfalagraph-tests-missing.dll"],
            "libsyfalagraph-tests-missing3");
        NativeLibraryResolver.Register(typeof(NativeLibraryResolverTests).Assembly, missing);

        Assert.False(NativeLibraryResolver.TryLoad(missing.Name, out IntPtr handle, out string? error));
        Assert.Equal(IntPtr.Zero, handle);
        Assert.Contains("libsyfalagraph-tests-missing.so.3", error, StringComparison.Ordinal);
        Assert.Contains("apt-get install libsyfalagraph-tests-missing3", error, StringComparison.Ordinal);

        NodeException e = Assert.Throws<NodeException>(() => NativeLibraryResolver.EnsureLoaded(missing.Name));
        Assert.Equal(error, e.Message);
    }

    [Fact]
    public void A_registered_installed_library_loads_and_its_exports_are_callable()
    {
        NativeLibraryResolver.Register(typeof(NativeLibraryResolverTests).Assembly, Libc);

        IntPtr handle = NativeLibraryResolver.EnsureLoaded("c");
        Assert.NotEqual(IntPtr.Zero, handle);
        Assert.True(NativeLibraryResolver.TryLoad("c", out IntPtr again, out string? error));
        Assert.Null(error);
        Assert.Equal(handle, again);
        Assert.True(NativeLibrary.TryGetExport(handle, "strlen", out _));
    }

    [Fact]
    public void LibraryImport_of_a_registered_name_goes_through_the_resolver()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "getpid is POSIX");
        NativeLibraryResolver.Register(typeof(NativeLibraryResolverTests).Assembly, Libc);

        Assert.Equal(Environment.ProcessId, GetPid()); // "c" alone is not a file name the runtime would find
    }

    [LibraryImport("c", EntryPoint = "getpid")]
    private static partial int GetPid();
}
