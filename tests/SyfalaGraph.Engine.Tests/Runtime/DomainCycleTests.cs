using SyfalaGraph.Engine.Runtime;

namespace SyfalaGraph.Engine.Tests.Runtime;

public class DomainCycleTests
{
    [Fact]
    public void Allocation_figure_survives_the_driver_moving_to_a_new_thread()
    {
        var schedule = new Schedule([], [], [], []);
        var cycle = new DomainCycle(schedule, 48000, 64, offline: false, maxFrames: 0, measureNodes: false);
        void RunBlocks(int n)
        {
            for (int i = 0; i < n; i++)
            {
                cycle.Run(64);
            }
        }

        RunBlocks(DomainCycle.WarmUpBlocks + 10);
        Assert.Equal(0, cycle.AllocatedSinceWarmUp);

        // A JACK client reopened after a server restart calls from a new thread, whose counter starts elsewhere.
        var other = new Thread(() =>
        {
            _ = new byte[100_000]; // the new thread's own history before it drives the cycle
            RunBlocks(DomainCycle.WarmUpBlocks + 10);
        });
        other.Start();
        other.Join();
        Assert.Equal(0, cycle.AllocatedSinceWarmUp);
    }
}
