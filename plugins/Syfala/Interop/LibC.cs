using System.Runtime.InteropServices;

namespace SyfalaGraph.Plugins.Syfala.Interop;

// Design: the few libc calls behind WakeSignal (Linux eventfd). libc is part of every Linux system (no Debian package
// to name), and on other systems these entry points are never called: WakeSignal checks OperatingSystem.IsLinux()
// first and falls back to polling. "libc.so.6" is the glibc soname: a bare "libc" is not a loadable file on Debian.

/// <summary>libc entry points for an eventfd wake-up (Linux only).</summary>
internal static unsafe partial class LibC
{
    /// <summary>The glibc soname.</summary>
    public const string Library = "libc.so.6";

    /// <summary>eventfd flag: non-blocking reads and writes.</summary>
    public const int EfdNonBlock = 0x800;

    /// <summary>eventfd flag: close on exec.</summary>
    public const int EfdCloExec = 0x80000;

    /// <summary>poll event: data to read.</summary>
    public const short PollIn = 0x001;

    /// <summary>errno: interrupted system call.</summary>
    public const int EIntr = 4;

    /// <summary>A <c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        /// <summary>File descriptor.</summary>
        public int Fd;

        /// <summary>Requested events.</summary>
        public short Events;

        /// <summary>Returned events.</summary>
        public short ReturnedEvents;
    }

    /// <summary><c>int eventfd(unsigned int initval, int flags)</c>: a new eventfd, or −1 (errno set).</summary>
    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary>
    /// <c>write(fd, buf, count)</c> without the GC transition: only for a non-blocking descriptor (an eventfd opened
    /// with <see cref="EfdNonBlock"/>), where the call returns at once. Audio thread: yes.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "write")]
    [SuppressGCTransition]
    public static partial nint WriteNonBlocking(int fd, void* buffer, nuint count);

    /// <summary><c>read(fd, buf, count)</c> (bytes read, or −1).</summary>
    [LibraryImport(Library, EntryPoint = "read")]
    public static partial nint Read(int fd, void* buffer, nuint count);

    /// <summary><c>poll(fds, nfds, timeout_ms)</c>: descriptors ready, 0 on timeout, −1 on error (errno set).</summary>
    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary><c>close(fd)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "close")]
    public static partial int Close(int fd);
}
