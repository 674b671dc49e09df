using SyfalaGraph.Dsp.Formats;

namespace SyfalaGraph.Dsp.Tests.Formats;

/// <summary>
/// Reports which conversion path is live. In the child run of <see cref="HardwareIntrinsicsDisabledTests"/> it
/// asserts that the scalar path really is the one under test (and says so on the output the parent checks).
/// </summary>
[Trait("Category", "Conversion")]
public sealed class ScalarPathProbeTests
{
    [Fact]
    public void Path_in_use_matches_the_environment()
    {
        if (Environment.GetEnvironmentVariable("SYFALA_EXPECT_SCALAR") == "1")
        {
            Assert.False(SampleFormatConverter.IsVectorized);
            Console.WriteLine("scalar path active");
        }
        else
        {
            Assert.Equal(System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian, SampleFormatConverter.IsVectorized);
        }
    }
}
