namespace SyfalaGraph.Tests;

/// <summary>
/// A tmpfs of a few KiB mounted for one test (Linux, as root, as CI runs): the way to fill a disk for real without
/// filling the machine's, or to have a folder nobody can write in. Unmounted (lazily, so a file a node still holds open cannot keep it) and removed on dispose.
/// </summary>
internal sealed class SmallTmpfs : IDisposable
{
    /// <summary>Mounts a tmpfs of <paramref name="kibibytes"/> KiB on a new scratch folder, read-only when asked (a folder even root cannot write in).</summary>
    /// <exception cref="InvalidOperationException">mount refused (not root, or no CAP_SYS_ADMIN): the message says so.</exception>
    public SmallTmpfs(string prefix, int kibibytes, bool readOnly = false)
    {
        Path = RepoPaths.NewTempDir(prefix);
        try
        {
            TestAudio.Run("mount", $"-t tmpfs -o size={kibibytes}k{(readOnly ? ",ro" : "")} syfalagraph-test \"{Path}\"");
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException("this test fills a disk for real: it mounts a small tmpfs, which needs root (CAP_SYS_ADMIN): " + ex.Message, ex);
        }
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    public void Dispose()
    {
        TestAudio.Run("umount", $"-l \"{Path}\"");
        Directory.Delete(Path);
    }
}
