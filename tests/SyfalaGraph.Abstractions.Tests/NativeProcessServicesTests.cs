using SyfalaGraph.Abstractions.Native;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary><see cref="NativeProcessServices"/>: one gate per library for every caller; initialise and terminate once per process.</summary>
public sealed class NativeProcessServicesTests
{
    [Fact]
    public void Two_callers_get_the_same_gate_for_a_library_and_different_gates_for_different_libraries()
    {
        Lock first = NativeProcessServices.GateOf("syfalagraph-tests-gate-a");
        Lock second = NativeProcessServices.GateOf("syfalagraph-tests-gate-a");
        Lock other = NativeProcessServices.GateOf("syfalagraph-tests-gate-b");

        // Identity through the lock itself (a Lock converted to object would be a monitor): holding one is holding the other.
        using (first.EnterScope())
        {
            Assert.True(second.IsHeldByCurrentThread);
            Assert.False(other.IsHeldByCurrentThread);
        }

        Assert.False(second.IsHeldByCurrentThread);
    }

    [Fact]
    public void Initialise_runs_for_the_first_holder_and_terminate_for_the_last_only()
    {
        const string Library = "syfalagraph-tests-refcount";
        int initialised = 0;
        int terminated = 0;

        NativeProcessServices.Acquire(Library, () => initialised++);
        NativeProcessServices.Acquire(Library, () => initialised++);
        Assert.Equal(2, NativeProcessServices.ReferencesOf(Library));
        NativeProcessServices.Release(Library, () => terminated++);
        Assert.Equal(0, terminated);
        NativeProcessServices.Release(Library, () => terminated++);
        NativeProcessServices.Release(Library, () => terminated++); // nothing held: no-op

        Assert.Equal(1, initialised);
        Assert.Equal(1, terminated);
        Assert.Equal(0, NativeProcessServices.ReferencesOf(Library));
    }

    [Fact]
    public void A_failed_initialise_holds_nothing_and_the_next_caller_tries_again()
    {
        const string Library = "syfalagraph-tests-failing-init";
        int attempts = 0;

        Assert.Throws<InvalidOperationException>(() => NativeProcessServices.Acquire(Library, () =>
        {
            attempts++;
            throw new InvalidOperationException("no device");
        }));
        Assert.Equal(0, NativeProcessServices.ReferencesOf(Library));
        NativeProcessServices.Acquire(Library, () => attempts++);

        Assert.Equal(2, attempts);
        Assert.Equal(1, NativeProcessServices.ReferencesOf(Library));
        NativeProcessServices.Release(Library, () => { });
    }
}
