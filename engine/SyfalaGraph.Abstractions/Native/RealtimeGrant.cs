namespace SyfalaGraph.Abstractions.Native;

/// <summary>The answer to a request for SCHED_FIFO scheduling (<see cref="RealtimeScheduling"/>).</summary>
/// <param name="Granted">True when the thread now runs SCHED_FIFO at <paramref name="Priority"/>.</param>
/// <param name="Priority">The priority asked for (1–99).</param>
/// <param name="Errno">errno of the refusal (1 = EPERM, 22 = EINVAL); 0 when granted or when not on Linux.</param>
/// <param name="RtprioLimit">The soft RLIMIT_RTPRIO at the refusal (−1: unknown or not asked).</param>
public readonly record struct RealtimeGrant(bool Granted, int Priority, int Errno, long RtprioLimit)
{
    /// <summary>
    /// Why it was refused, in a user's terms (what to change), or "granted". Allocates: not for an audio thread.
    /// </summary>
    public string Describe() => Granted ? $"granted (SCHED_FIFO {Priority})"
        : !OperatingSystem.IsLinux() ? "not supported on this system (Linux only)"
        : Errno == 1 ? $"refused (EPERM): SCHED_FIFO {Priority} needs root, CAP_SYS_NICE or an rtprio limit of at least {Priority} " +
            $"(e.g. '@audio - rtprio 95' in /etc/security/limits.conf, then log in again); RLIMIT_RTPRIO is {RtprioLimit}"
        : Errno == 0 ? "refused: libc's sched_setscheduler is unavailable"
        : $"refused (errno {Errno}) for SCHED_FIFO {Priority}";
}
