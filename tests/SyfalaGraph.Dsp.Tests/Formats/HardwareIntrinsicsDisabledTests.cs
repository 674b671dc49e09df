using System.Diagnostics;
using System.Text.RegularExpressions;
using SyfalaGraph.Dsp.Formats;

namespace SyfalaGraph.Dsp.Tests.Formats;

/// <summary>
/// Re-runs every <c>Category=Conversion</c> test in a child process with <c>DOTNET_EnableHWIntrinsic=0</c>, so the
/// scalar fallback is tested through the public API too (ImageSharp's approach). This class deliberately has no
/// Conversion trait, so the child never starts another child.
/// </summary>
// CPU-heavy: never alongside the real-time loopback tests (same collection = run one after the other).
[Collection("Loopback")]
public sealed partial class HardwareIntrinsicsDisabledTests
{
    [Fact]
    public async Task Conversion_tests_pass_with_hardware_intrinsics_disabled()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
        {
            Assert.False(SampleFormatConverter.IsVectorized); // we are a child after all: nothing more to prove
            return;
        }

        string assembly = Path.Combine(AppContext.BaseDirectory, "SyfalaGraph.Dsp.Tests.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("-trait");
        start.ArgumentList.Add("Category=Conversion");
        start.ArgumentList.Add("-noColor");
        start.Environment["DOTNET_EnableHWIntrinsic"] = "0";
        start.Environment["SYFALA_EXPECT_SCALAR"] = "1";

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, $"child exited with {process.ExitCode}:\n{output}");
        Match summary = SummaryLine().Match(output);
        Assert.True(summary.Success, "no summary line in:\n" + output);
        int total = int.Parse(summary.Groups["total"].Value, System.Globalization.CultureInfo.InvariantCulture);
        int failed = int.Parse(summary.Groups["failed"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total >= 20, $"only {total} tests ran in the child:\n{output}");
        Assert.Equal(0, failed);
        Assert.Contains("scalar path active", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Total:\s*(?<total>\d+),\s*Errors:\s*\d+,\s*Failed:\s*(?<failed>\d+)")]
    private static partial Regex SummaryLine();
}
