using System.Globalization;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Engine.Graph;

namespace SyfalaGraph.Cli;

// Design: what `run` does for real time before the first real-time thread starts, and the one line that says how it
// went — not one warning per thread: configures the priority every clock, driver and network thread of the process
// takes (settings.realtime_priority, RealtimeScheduling), asks the kernel once on a probe thread whether SCHED_FIFO
// at that priority is granted, and locks memory once (mlockall). The threads themselves then ask silently.
// SYFALAGRAPH_MLOCK=onfault (default) | prefault | off chooses the mlockall flags; prefault (MCL_CURRENT|MCL_FUTURE
// without MCL_ONFAULT) is there to measure what ONFAULT saves (engine/SyfalaGraph.Cli/README.md).

/// <summary>Real-time set-up of a run: priority, probe, memory lock, and the one log line about them.</summary>
internal static class RealtimeStart
{
    /// <summary>Environment variable choosing the mlockall flags: <c>onfault</c> (default), <c>prefault</c>, <c>off</c>.</summary>
    public const string MemoryLockVariable = "SYFALAGRAPH_MLOCK";

    /// <summary>
    /// Configures <see cref="RealtimeScheduling"/> from <paramref name="settings"/>, probes SCHED_FIFO, locks memory and
    /// logs one line (Information when both were granted, Warning otherwise). A purely offline graph gets neither.
    /// </summary>
    public static void Apply(GraphSettings settings, bool offline, ILogger logger)
    {
        RealtimeScheduling.Configure(settings.RealtimePriority);
        if (offline)
        {
            return;
        }

        RealtimeGrant grant = RealtimeScheduling.Probe();
        string mode = Environment.GetEnvironmentVariable(MemoryLockVariable) ?? "onfault";
        long before = ResidentBytes();
        MemoryLockResult? memory = mode == "off" ? null : RealtimeScheduling.LockMemory(prefault: mode == "prefault");
        long after = ResidentBytes();
        string scheduling = grant.Granted
            ? string.Create(CultureInfo.InvariantCulture,
                $"SCHED_FIFO granted: priority {grant.Priority} for clock and driver threads, {RealtimeScheduling.PriorityAt(RealtimeScheduling.NetworkOffset)} for network threads")
            : $"SCHED_FIFO {grant.Describe()}: expect xruns under load";
        string locking = memory is not { } m ? $"memory not locked ({MemoryLockVariable}=off)"
            : m.Locked ? string.Create(CultureInfo.InvariantCulture, $"memory {m.Describe()}, resident {before / 1048576.0:F1} -> {after / 1048576.0:F1} MiB")
            : $"memory {m.Describe()}";
        LogLevel level = grant.Granted && memory is not { Locked: false } ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level, "real time: {Scheduling}; {Locking}", scheduling, locking);
    }

    /// <summary>Resident set size of this process, bytes (VmRSS of /proc/self/status); 0 if unknown.</summary>
    public static long ResidentBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
