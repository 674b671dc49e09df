namespace SyfalaGraph.Dsp.Tests.Clocking;

/// <summary>A clock the test sets by hand, in nanoseconds.</summary>
internal sealed class VirtualTime : TimeProvider
{
    public long Nanoseconds { get; set; }

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => Nanoseconds;
}
