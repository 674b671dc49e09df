using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.File.Interop;

namespace SyfalaGraph.Plugins.File.Tests;

public sealed class NativeLibraryTests
{
    [Fact]
    public void A_missing_library_error_names_the_debian_package()
    {
        NativeLibraryResolver.Register(typeof(NativeLibraryTests).Assembly, new NativeLibraryInfo(
            "nonexistent_lib_for_test", ["libnonexistent.so.9"], ["libnonexistent.9.dylib"], ["nonexistent.dll"], "libnonexistent9"));

        Assert.False(NativeLibraryResolver.TryLoad("nonexistent_lib_for_test", out _, out string? error));
        var thrown = Assert.Throws<NodeException>(() => NativeLibraryResolver.EnsureLoaded("nonexistent_lib_for_test"));

        if (OperatingSystem.IsLinux())
        {
            Assert.Equal("libnonexistent.so.9 is not installed: install the package libnonexistent9 (Debian/Ubuntu: apt-get install libnonexistent9)", error);
        }

        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void Libsndfile_and_libsamplerate_are_registered_with_their_packages()
    {
        SndFile.EnsureLoaded();
        SampleRate.EnsureLoaded();

        Assert.Equal("libsndfile1", KnownNativeLibraries.SndFile.DebianPackage);
        Assert.Equal("libsndfile.so.1", KnownNativeLibraries.SndFile.LinuxFiles[0]);
        Assert.Equal(SndFile.Library, KnownNativeLibraries.SndFile.Name);
        Assert.Equal("libsamplerate0", KnownNativeLibraries.SampleRate.DebianPackage);
        Assert.Equal("libsamplerate.so.0", KnownNativeLibraries.SampleRate.LinuxFiles[0]);
        Assert.Equal(SampleRate.Library, KnownNativeLibraries.SampleRate.Name);
        Assert.True(SndFile.TryLoad(out _));
    }
}
