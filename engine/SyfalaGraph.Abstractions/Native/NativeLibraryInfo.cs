namespace SyfalaGraph.Abstractions.Native;

/// <summary>Where a native library is found on each platform, and what to install when it is missing.</summary>
/// <param name="Name">The name used in <c>[LibraryImport]</c> (e.g. <c>sndfile</c>).</param>
/// <param name="LinuxFiles">Sonames tried in order on Linux (e.g. <c>libsndfile.so.1</c>).</param>
/// <param name="MacFiles">File names tried in order on macOS (e.g. <c>libsndfile.1.dylib</c>).</param>
/// <param name="WindowsFiles">File names tried in order on Windows (e.g. <c>sndfile.dll</c>).</param>
/// <param name="DebianPackage">The Debian/Ubuntu package that provides it (e.g. <c>libsndfile1</c>).</param>
public sealed record NativeLibraryInfo(
    string Name,
    IReadOnlyList<string> LinuxFiles,
    IReadOnlyList<string> MacFiles,
    IReadOnlyList<string> WindowsFiles,
    string DebianPackage);
