using System.Diagnostics;
using SyfalaGraph.Plugins.Syfala.Interop;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: how a real-time producer (the audio thread, the receiver thread) wakes the one thread that waits for its
// data (the sender thread, the network driver) without a lock and without polling. On Linux it is an eventfd
// opened non-blocking: Signal is one write(2) of 1 to its counter (never blocks, takes no lock in user space, does
// not allocate, and is called without the GC transition), Wait is poll(2) on it followed by a read(2) that resets the
// counter. A Signal between the waiter's last look at its data and its poll is not lost: the counter stays non-zero
// and poll returns at once. Several Signals before a Wait are one wake-up (the waiter drains everything it finds).
// Elsewhere (or if eventfd fails) it degrades to what each user did before: for the sender, a flag the waiter
// polls every millisecond (the audio thread still makes no call that could lock); for the network driver, whose
// signaller is the receiver thread, a SemaphoreSlim (Release takes a short lock there, as it used to). The descriptor is closed by Dispose, which the owner calls only once no thread signals any more.

/// <summary>A lock-free, allocation-free wake-up of one waiting thread by another (eventfd on Linux).</summary>
internal sealed unsafe class WakeSignal : IDisposable
{
    private int _fd;
    private int _flag;
    private readonly SemaphoreSlim? _fallback;

    /// <summary>Opens the eventfd (Linux), else the fallback.</summary>
    /// <param name="blockingFallback">
    /// Without eventfd: true = a semaphore (the signaller may take a short lock; not for an audio thread), false = the
    /// waiter polls a flag every millisecond.
    /// </param>
    public WakeSignal(bool blockingFallback = false)
        : this(blockingFallback, useEventFd: true)
    {
    }

    /// <summary>As above; <paramref name="useEventFd"/> false forces the fallback (tests of it on Linux).</summary>
    internal WakeSignal(bool blockingFallback, bool useEventFd)
    {
        _fd = -1;
        if (useEventFd && OperatingSystem.IsLinux())
        {
            try
            {
                _fd = LibC.EventFd(0, LibC.EfdNonBlock | LibC.EfdCloExec);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _fd = -1;
            }
        }

        if (_fd < 0 && blockingFallback)
        {
            _fallback = new SemaphoreSlim(0);
        }
    }

    /// <summary>True when waits are woken by the kernel (eventfd), false when they poll every millisecond.</summary>
    public bool IsEventFd => Volatile.Read(ref _fd) >= 0;

    /// <summary>
    /// Wakes the waiter (now, or its next <see cref="Wait"/> returns at once). Any thread. Audio thread: yes (one
    /// non-blocking write(2), no lock, no allocation).
    /// </summary>
    public void Signal()
    {
        int fd = Volatile.Read(ref _fd);
        if (fd >= 0)
        {
            ulong one = 1;
            LibC.WriteNonBlocking(fd, &one, sizeof(ulong));
            return;
        }

        if (Interlocked.Exchange(ref _flag, 1) == 0)
        {
            _fallback?.Release(); // at most one pending release: the flag says one is under way
        }
    }

    /// <summary>
    /// Waits until signalled or <paramref name="timeoutMs"/> ms have passed (0: just check). Clears the signal.
    /// One waiting thread only. Audio thread: no (it blocks).
    /// </summary>
    /// <returns>True if signalled.</returns>
    public bool Wait(int timeoutMs)
    {
        int fd = Volatile.Read(ref _fd);
        if (fd >= 0)
        {
            var poll = new LibC.PollFd { Fd = fd, Events = LibC.PollIn };
            int ready = LibC.Poll(&poll, 1, timeoutMs);
            if (ready <= 0)
            {
                return false; // timeout, or EINTR: the caller's loop waits again
            }

            if ((poll.ReturnedEvents & LibC.PollIn) == 0)
            {
                Thread.Sleep(1); // POLLNVAL/POLLERR (closed under a thread that outlived its stop): never spin
                return false;
            }

            ulong count;
            return LibC.Read(fd, &count, sizeof(ulong)) == sizeof(ulong);
        }

        if (_fallback is not null)
        {
            bool woken = _fallback.Wait(timeoutMs);
            Interlocked.Exchange(ref _flag, 0);
            return woken;
        }

        long deadline = Stopwatch.GetTimestamp() + (timeoutMs * Stopwatch.Frequency / 1000);
        while (true)
        {
            if (Interlocked.Exchange(ref _flag, 0) != 0)
            {
                return true;
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Closes the eventfd. Only once no thread calls <see cref="Signal"/> or <see cref="Wait"/> any more.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.Close(fd);
        }

        _fallback?.Dispose();
    }
}
