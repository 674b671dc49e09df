using System.Runtime.InteropServices;
using SyfalaGraph.Plugins.Jack.Internal;

namespace SyfalaGraph.Plugins.Jack.Tests;

/// <summary>What libjack prints inside jack_client_open is captured, and its output functions are put back.</summary>
public sealed class LibjackOutputTests
{
    [Fact]
    public void A_failed_open_captures_libjack_s_lines_and_puts_its_output_functions_back()
    {
        string name = "sg-none-" + Guid.NewGuid().ToString("N")[..6];
        Assert.True(NativeLibrary.TryLoad("libjack.so.0", out nint jack));
        nint errorBefore = Function(jack, "jack_error_callback");
        nint infoBefore = Function(jack, "jack_info_callback");

        (nint client, string lines) = LibjackOutput.Capture(() => JackClientOpener.TryOpen("probe", name, out _));

        Assert.Equal(0, client);
        Assert.Equal(errorBefore, Function(jack, "jack_error_callback"));
        Assert.Equal(infoBefore, Function(jack, "jack_info_callback"));
        Assert.NotEqual(0, errorBefore); // jackd2 exports the variables: the restore is exact, not a fallback
        TestContext.Current.TestOutputHelper?.WriteLine(lines);

        // TryOpen captures on its own (the inner capture); the outer one sees what it left: libjack's lines, joined.
        Assert.Contains("Cannot connect to server socket", lines, StringComparison.Ordinal);
    }

    private static nint Function(nint library, string variable)
    {
        Assert.True(NativeLibrary.TryGetExport(library, variable, out nint address), variable);
        return Marshal.ReadIntPtr(address);
    }
}
