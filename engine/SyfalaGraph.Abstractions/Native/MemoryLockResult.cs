namespace SyfalaGraph.Abstractions.Native;

/// <summary>The answer to <see cref="RealtimeScheduling.LockMemory"/>.</summary>
/// <param name="Locked">True when the process's memory is locked.</param>
/// <param name="Flags">The <c>mlockall</c> flags asked for (MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4).</param>
/// <param name="Errno">errno of the refusal (1 = EPERM, 12 = ENOMEM, 22 = EINVAL); 0 when locked or not on Linux.</param>
/// <param name="MemlockLimit">The soft RLIMIT_MEMLOCK at the refusal, bytes (−1: unknown).</param>
public readonly record struct MemoryLockResult(bool Locked, int Flags, int Errno, long MemlockLimit)
{
    /// <summary>The flags as C names, e.g. <c>MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT</c>.</summary>
    public string FlagNames
    {
        get
        {
            int flags = Flags;
            return string.Join('|', new[] { (1, "MCL_CURRENT"), (2, "MCL_FUTURE"), (4, "MCL_ONFAULT") }
                .Where(f => (flags & f.Item1) != 0).Select(f => f.Item2));
        }
    }

    /// <summary>What happened, in a user's terms. Allocates: not for an audio thread.</summary>
    public string Describe() => Locked ? $"locked ({FlagNames})"
        : !OperatingSystem.IsLinux() ? "not locked (Linux only)"
        : Errno == 1 || Errno == 12 ? $"not locked ({(Errno == 1 ? "EPERM" : "ENOMEM")}): mlockall needs root, CAP_IPC_LOCK or a memlock limit " +
            $"above the process's size (e.g. '@audio - memlock unlimited' in /etc/security/limits.conf); RLIMIT_MEMLOCK is {FormatLimit(MemlockLimit)}"
        : Errno == 22 ? $"not locked (EINVAL): this kernel does not know {FlagNames} (MCL_ONFAULT needs Linux 4.4)"
        : Errno == 0 ? "not locked: libc's mlockall is unavailable"
        : $"not locked (errno {Errno})";

    private static string FormatLimit(long bytes) => bytes < 0 || bytes == long.MaxValue ? "unlimited" : $"{bytes / 1024} KiB";
}
