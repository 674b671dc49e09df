using System.Runtime.InteropServices;

namespace SyfalaGraph.Engine.Plugins;

/// <summary>
/// What kind of file a path names, following symbolic links: .NET reports a FIFO, a socket or a device as an
/// ordinary file (<see cref="FileAttributes.Normal"/>, length 0), and opening a FIFO to read blocks until someone
/// writes to it, so a FIFO dropped into the plugins folder would hang every load. Read with <c>statx(2)</c> on
/// Linux (its <c>struct statx</c> has one layout on every architecture) and <c>stat(2)</c> on macOS (<c>st_mode</c>
/// at offset 4 in both Darwin layouts). Not for an audio thread (a system call on a path).
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int DarwinModeOffset = 4;
    private const int TypeMask = 0xF000; // S_IFMT (octal 0170000), the same on Linux and macOS

    /// <summary>The file-type bits of <paramref name="path"/>'s mode (S_IFMT), or null where they cannot be read (another OS, a failing call).</summary>
    public static int? TypeBits(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (OperatingSystem.IsLinux())
        {
            return StatxLinux(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) == 0
                ? BitConverter.ToUInt16(buffer[StatxModeOffset..]) & TypeMask : null;
        }

        if (OperatingSystem.IsMacOS())
        {
            return StatDarwin(path, ref MemoryMarshal.GetReference(buffer)) == 0
                ? BitConverter.ToUInt16(buffer[DarwinModeOffset..]) & TypeMask : null;
        }

        return null;
    }

    /// <summary>
    /// Null when <paramref name="path"/> is a regular file (or its kind cannot be read: it is then treated as one),
    /// else its kind in words ("a FIFO", "a socket", "a character device", "a block device", "a directory").
    /// </summary>
    public static string? NotRegular(string path) => TypeBits(path) switch
    {
        0x1000 => "a FIFO",
        0xC000 => "a socket",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x4000 => "a directory",
        _ => null,
    };

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxLinux(int dirFd, string path, int flags, uint mask, ref byte statx);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatDarwin(string path, ref byte stat);
}
