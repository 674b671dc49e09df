using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Engine.Validation;

namespace SyfalaGraph.Engine.Runtime;

/// <summary>One running clock domain: its driver and the cycle the driver calls.</summary>
public sealed class DomainRunner
{
    internal DomainRunner(ClockDomain domain, IDriverNode driver, bool engineClock, DomainCycle cycle)
    {
        Domain = domain;
        Driver = driver;
        EngineClock = engineClock;
        Cycle = cycle;
    }

    /// <summary>The domain as validated.</summary>
    public ClockDomain Domain { get; internal set; }

    /// <summary>The domain's name (its driver's id, or <c>offline</c> / <c>realtime</c>).</summary>
    public string Name => Domain.Name;

    /// <summary>Block size, frames.</summary>
    public int BlockFrames => Cycle.MaxBlockFrames;

    /// <summary>Nominal sample rate, Hz: its driver's when the driver imposes one, else the graph's.</summary>
    public double SampleRate => Cycle.SampleRate;

    /// <summary>Blocks run.</summary>
    public long Cycles => Cycle.Cycles;

    /// <summary>Frames run.</summary>
    public long FramesProcessed => Cycle.FrameTime;

    /// <summary>Xruns its driver reported.</summary>
    public long Xruns => Cycle.Xruns;

    /// <summary>Blocks its driver ran a period or more after their deadline, catching up after a late wake-up (delayed, not dropped).</summary>
    public long LateBlocks => Cycle.LateBlocks;

    /// <summary>Bytes allocated on its audio thread after warm-up (-1 before warm-up).</summary>
    public long AudioThreadAllocatedBytes => Cycle.AllocatedSinceWarmUp;

    /// <summary>Blocks after warm-up that allocated on its audio thread: a steady-state allocation shows in many, a one-off in one.</summary>
    public long AudioThreadAllocatingBlocks => Cycle.AllocatingBlocks;

    /// <summary>The first block after warm-up that allocated on its audio thread: block number and bytes; (0, 0) when none.</summary>
    public (long Cycle, long Bytes) AudioThreadFirstAllocation => Cycle.FirstAllocation;

    /// <summary>Longest block after warm-up, microseconds.</summary>
    public double MaxCycleMicroseconds => Cycle.MaxCycleTicks * 1e6 / System.Diagnostics.Stopwatch.Frequency;

    /// <summary>Blocks after warm-up that took longer to process than they last (see <see cref="DomainCycle.BlocksOverPeriod"/>).</summary>
    public long BlocksOverPeriod => Cycle.BlocksOverPeriod;

    internal IDriverNode Driver { get; }

    /// <summary>True when the engine's own clock (offline, realtime) drives it, so the engine owns the driver.</summary>
    internal bool EngineClock { get; }

    internal DomainCycle Cycle { get; }
}
