using System.Diagnostics;
using System.Net;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.Syfala.Tests.Audio;

/// <summary>
/// drive: true over real UDP on 127.0.0.1: a far side whose cycle runs when a block has arrived and echoes it. The
/// near side (this test's thread, as an audio thread) measures how long a written block takes to come back.
/// </summary>
public sealed class NetworkDriverTests
{
    private sealed class EchoCycle(AudioPath path) : IGraphCycle
    {
        private readonly AudioBuffer _block = new(1, 64);
        private long _frameTime;
        private long _allocatedAtWarmUp;
        private long _allocatedLast;

        public long Cycles;

        public long AllocatedAfterWarmUp = -1;

        public long AllocatingCycles;

        public bool Run(int frames)
        {
            // The far side's graph: what it receives goes straight back (a decoupled node fed by its own output).
            var context = new ProcessContext(frames, _frameTime, 48_000, [_block], [_block], NodeEventWriter.Null, false);
            path.Receive(context);
            path.Send(context);
            _frameTime += frames;
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            if (++Cycles == 100)
            {
                _allocatedAtWarmUp = allocated;
            }
            else if (Cycles > 100)
            {
                Volatile.Write(ref AllocatedAfterWarmUp, allocated - _allocatedAtWarmUp);
                if (allocated != _allocatedLast)
                {
                    Volatile.Write(ref AllocatingCycles, AllocatingCycles + 1);
                }
            }

            _allocatedLast = allocated;

            return true;
        }

        public void ReportXrun()
        {
        }

        public void WarmUp()
        {
        }
    }

    [Fact]
    public void A_block_runs_the_far_sides_cycle_as_it_arrives_and_comes_back_well_within_a_period()
    {
        using var nearSocket = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0), broadcast: false);
        using var farSocket = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0), broadcast: false);
        var format = new StreamFormat(48_000, 1, 64, SampleType.F32);
        var near = new AudioPath(nearSocket, new ControlInbox(), atServer: false, [1], [1], 48_000, 64,
            new SyfalaClientParameters { LatencyFrames = 64, DriftCompensation = false });
        var far = new AudioPath(farSocket, new ControlInbox(), atServer: true, [1], [1], 48_000, 64,
            new SyfalaServerParameters { Drive = true });
        var echo = new EchoCycle(far);
        var driver = new NetworkDriver(far, 64, 48_000);
        near.Start("near");
        far.Start("far");
        try
        {
            Assert.True(far.Activate(nearSocket.LocalEndPoint.Serialize(), [format], [format], sending: true));
            Assert.True(near.Activate(farSocket.LocalEndPoint.Serialize(), [format], [format], sending: true));
            driver.Start(echo, "far");
            var input = new AudioBuffer(1, 64);
            var output = new AudioBuffer(1, 64);
            const int Warmup = 150, Blocks = 400;
            var micros = new List<double>(Blocks);
            long timeouts = 0;
            for (int i = 0; i < Warmup + Blocks; i++)
            {
                input.GetChannel(0, 64).Fill(i + 1);
                Thread.Sleep(2);
                long written = Stopwatch.GetTimestamp();
                near.Send(new ProcessContext(64, i * 64L, 48_000, [input], [], NodeEventWriter.Null, false));
                long deadline = written + Stopwatch.Frequency;
                while (near.ReceiveBuffers[0].FillFrames < 64 && Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(20);
                }

                long back = Stopwatch.GetTimestamp();
                if (near.ReceiveBuffers[0].FillFrames < 64)
                {
                    timeouts++;
                    continue;
                }

                near.Receive(new ProcessContext(64, i * 64L, 48_000, [], [output], NodeEventWriter.Null, false));
                Assert.All(output.GetChannel(0, 64).ToArray(), s => Assert.Equal(i + 1, s)); // this very block, echoed
                if (i >= Warmup)
                {
                    micros.Add((back - written) * 1e6 / Stopwatch.Frequency);
                }
            }

            Assert.Equal(0, timeouts);
            micros.Sort();
            double median = micros[micros.Count / 2], p99 = micros[(micros.Count * 99) / 100], max = micros[^1];
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"block written → echoed block buffered here (5 thread wake-ups, 2 UDP hops): median {median:F0} µs, " +
                $"p99 {p99:F0} µs, max {max:F0} µs over {micros.Count} blocks; far side ran {driver.NetworkBlocks} cycles");

            // Loose (shared machine): a 64-frame period at 48 kHz is 1333 µs; typical medians are a few hundred µs.
            Assert.True(median < 1333, $"median {median:F0} µs");
            Assert.Equal(Warmup + Blocks, driver.NetworkBlocks);
            AudioThreadAllocations.AssertNoSteadyStateAllocation(Volatile.Read(ref echo.AllocatedAfterWarmUp), Volatile.Read(ref echo.AllocatingCycles), "network-driven echo");
        }
        finally
        {
            driver.Stop();
            near.Stop();
            far.Stop();
            near.Dispose();
            far.Dispose();
        }
    }
}
