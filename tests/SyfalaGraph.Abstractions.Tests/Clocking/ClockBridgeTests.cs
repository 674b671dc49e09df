using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Clocking;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Abstractions.Tests.Clocking;

public class ClockBridgeTests
{
    [Theory]
    [InlineData(200, -200)]
    [InlineData(-200, 200)]
    public void Bridge_locks_and_holds_fill_between_drifting_clocks(double producerPpm, double consumerPpm)
    {
        var sim = new BridgeSimulation { ProducerPpm = producerPpm, ConsumerPpm = consumerPpm };
        sim.Run(seconds: 300, lockedAfterSeconds: 60);
        double expectedPpm = ((1 + (producerPpm * 1e-6)) / (1 + (consumerPpm * 1e-6)) - 1) * 1e6;
        double thd = ToneAnalysis.ThdPlusNoiseDb(sim.Tail, sim.CyclesPerConsumerSample);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"lock-in {sim.LockInSeconds:F1} s; fill {sim.MinFillAfterLock:F2}..{sim.MaxFillAfterLock:F2} (target {sim.Bridge.LatencyFrames}); ring {sim.MinRingFillAfterLock}..{sim.MaxRingFillAfterLock}; " +
            $"ratio {sim.Bridge.RatioPpm:F3} ppm (expected {expectedPpm:F3}); tone {sim.CyclesPerConsumerSample * 48000:F5} Hz; THD+N {thd:F1} dB; underflows {sim.Bridge.Underflows}");
        Assert.Equal(0, sim.UnderflowsAfterLock);
        Assert.Equal(0, sim.OverflowsAfterLock);
        Assert.InRange(sim.Bridge.RatioPpm, expectedPpm - 0.5, expectedPpm + 0.5);
        Assert.InRange(thd, -200, -90);
    }
}
