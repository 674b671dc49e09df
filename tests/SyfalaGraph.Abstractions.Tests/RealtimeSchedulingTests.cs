using SyfalaGraph.Abstractions.Native;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary>
/// RealtimeScheduling against the real kernel: the calling thread's policy is read back from /proc (field 41 of
/// /proc/thread-self/stat, 1 = SCHED_FIFO; field 40 its rt priority), and a refusal says why.
/// </summary>
public class RealtimeSchedulingTests
{
    [Fact]
    public void Promoted_thread_runs_sched_fifo_at_the_configured_priority_minus_its_offset_or_says_why_not()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(RealtimeScheduling.Probe().Granted);
            return;
        }

        RealtimeGrant grant = default;
        (int Policy, int Priority) seen = default;
        int granted = RealtimeScheduling.GrantedThreads + RealtimeScheduling.RefusedThreads;
        var thread = new Thread(() =>
        {
            grant = RealtimeScheduling.TryPromoteCurrentThread(RealtimeScheduling.NetworkOffset);
            seen = PolicyOfThisThread();
        });
        thread.Start();
        thread.Join();
        Assert.Equal(RealtimeScheduling.PriorityAt(RealtimeScheduling.NetworkOffset), grant.Priority);
        Assert.True(RealtimeScheduling.GrantedThreads + RealtimeScheduling.RefusedThreads > granted, "the request is counted");
        if (grant.Granted)
        {
            Assert.Equal((1, grant.Priority), seen);
        }
        else
        {
            // Without root, CAP_SYS_NICE or an rtprio limit: EPERM, the limit reported, and what to change.
            Assert.Equal(1, grant.Errno);
            Assert.Contains("CAP_SYS_NICE", grant.Describe(), StringComparison.Ordinal);
            Assert.Contains("RLIMIT_RTPRIO is " + RealtimeScheduling.RtprioLimit(), grant.Describe(), StringComparison.Ordinal);
            Assert.Equal(0, seen.Policy);
        }
    }

    [Fact]
    public void Probe_answers_like_a_thread_would_and_leaves_the_caller_and_the_tallies_alone()
    {
        int before = RealtimeScheduling.GrantedThreads + RealtimeScheduling.RefusedThreads;
        RealtimeGrant probe = RealtimeScheduling.Probe();
        Assert.Equal(RealtimeScheduling.Priority, probe.Priority);
        Assert.Equal(before, RealtimeScheduling.GrantedThreads + RealtimeScheduling.RefusedThreads);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(0, PolicyOfThisThread().Policy);
        }
    }

    [Fact]
    public void Priority_outside_1_to_99_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RealtimeScheduling.Configure(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RealtimeScheduling.Configure(100));
        Assert.InRange(RealtimeScheduling.PriorityAt(-1000), 1, 1);
        Assert.InRange(RealtimeScheduling.PriorityAt(1000), 99, 99);
    }

    [Fact]
    public void Refusals_say_what_to_change()
    {
        string eperm = new RealtimeGrant(false, 9, 1, 0).Describe();
        Assert.Contains("EPERM", eperm, StringComparison.Ordinal);
        Assert.Contains("/etc/security/limits.conf", eperm, StringComparison.Ordinal);
        Assert.Contains("RLIMIT_RTPRIO is 0", eperm, StringComparison.Ordinal);
        string enomem = new MemoryLockResult(false, 7, 12, 8 * 1024 * 1024).Describe();
        Assert.Contains("ENOMEM", enomem, StringComparison.Ordinal);
        Assert.Contains("RLIMIT_MEMLOCK is 8192 KiB", enomem, StringComparison.Ordinal);
        Assert.Equal("MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT", new MemoryLockResult(true, 7, 0, 0).FlagNames);
    }

    private static (int Policy, int Priority) PolicyOfThisThread()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): rt_priority is field 40, policy field 41.
        return (int.Parse(fields[41 - 3], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(fields[40 - 3], System.Globalization.CultureInfo.InvariantCulture));
    }
}
