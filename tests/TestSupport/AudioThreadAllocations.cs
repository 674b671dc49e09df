namespace SyfalaGraph.Tests;

/// <summary>
/// The audio-thread allocation check of tests that run a real-time path for many blocks: after warm-up, nothing is
/// allocated in steady state. One block may show a one-off. In full suite runs, never alone and never under forced or induced collections,
/// single blocks measured 440, 528, 7704 and 8064 B: a lazy initialisation on first use, or a jump of the per-thread
/// counter itself (<c>GC.GetAllocatedBytesForCurrentThread</c>, dotnet/coreclr#10207). An allocation of the audio
/// path shows in every block that takes it, so in many.
/// </summary>
internal static class AudioThreadAllocations
{
    /// <summary>Asserts that the audio thread warmed up and allocated in at most one block afterwards.</summary>
    /// <param name="bytes">Bytes allocated after warm-up (-1: never warmed up).</param>
    /// <param name="allocatingBlocks">Blocks after warm-up that allocated.</param>
    /// <param name="what">What ran, for the messages.</param>
    public static void AssertNoSteadyStateAllocation(long bytes, long allocatingBlocks, string what)
    {
        Assert.True(bytes >= 0, $"{what}: the audio thread never finished its warm-up");
        if (allocatingBlocks == 1)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{what}: a one-off allocation of {bytes} B in one block after warm-up");
        }

        Assert.True(allocatingBlocks <= 1, $"{what}: {bytes} B allocated on the audio thread in {allocatingBlocks} blocks after warm-up");
    }
}
