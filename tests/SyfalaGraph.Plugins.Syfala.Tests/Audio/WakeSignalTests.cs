using System.Diagnostics;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;

namespace SyfalaGraph.Plugins.Syfala.Tests.Audio;

/// <summary>The wake-up between a real-time producer and its waiter: eventfd, and both fallbacks.</summary>
public sealed class WakeSignalTests
{
    public static TheoryData<bool, bool> Kinds => new() { { false, true }, { false, false }, { true, false } };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_signal_before_the_wait_is_not_lost_and_several_are_one_wake_up(bool blockingFallback, bool useEventFd)
    {
        using var signal = new WakeSignal(blockingFallback, useEventFd);
        Assert.Equal(useEventFd && OperatingSystem.IsLinux(), signal.IsEventFd);
        Assert.False(signal.Wait(0));
        signal.Signal();
        signal.Signal();
        Assert.True(signal.Wait(1000));
        var clock = Stopwatch.StartNew();
        Assert.False(signal.Wait(30)); // consumed: the next wait times out
        Assert.True(clock.ElapsedMilliseconds >= 20, $"{clock.ElapsedMilliseconds} ms");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_waiting_thread_is_woken_by_a_signal_from_another(bool blockingFallback, bool useEventFd)
    {
        using var signal = new WakeSignal(blockingFallback, useEventFd);
        var woken = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = new Thread(() => woken.SetResult(signal.Wait(5000)));
        waiter.Start();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        signal.Signal();
        Assert.True(await woken.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        waiter.Join();
    }

    [Fact]
    public void Signalling_allocates_nothing()
    {
        using var signal = new WakeSignal();
        signal.Signal();
        signal.Wait(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            signal.Signal();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(signal.Wait(0));
    }
}
