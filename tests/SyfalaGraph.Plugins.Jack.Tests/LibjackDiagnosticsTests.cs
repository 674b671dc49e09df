using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Plugins.Jack.Internal;
using SyfalaGraph.Plugins.Jack.Interop;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.Jack.Tests;

/// <summary>
/// libjack's error and information functions are the host's (NativeDiagnostics, in the contract): what libjack prints
/// is captured around an open, routed to the current subscriber's log otherwise, rate limited, and still reaches the
/// log after the plugin version that subscribed has been unloaded.
/// </summary>
public sealed unsafe class LibjackDiagnosticsTests
{
    [Fact]
    public void A_failed_open_captures_libjack_s_lines_and_leaves_the_host_s_functions_installed()
    {
        string name = "sg-none-" + Guid.NewGuid().ToString("N")[..6];
        var logger = new ListLogger<LibjackDiagnosticsTests>();
        using (NativeDiagnostics.Subscribe(NativeDiagnostics.Jack, logger))
        {
            (nint client, string lines) = NativeDiagnostics.Capture(NativeDiagnostics.Jack, () => OpenRaw(name));
            NativeDiagnostics.Flush();

            Assert.Equal(0, client);
            Assert.Contains("Cannot connect to server socket", lines, StringComparison.Ordinal);
            Assert.Equal(NativeDiagnostics.JackErrorFunction, JackErrorCallback());
            Assert.DoesNotContain(logger.Lines, l => l.Contains("Cannot connect", StringComparison.Ordinal)); // captured, not logged

            // The opener reports the failure in its own words.
            Assert.Equal(0, JackClientOpener.TryOpen("probe", name, out string? error));
            Assert.StartsWith($"no JACK server named '{name}' is running", error, StringComparison.Ordinal);
            TestContext.Current.TestOutputHelper?.WriteLine(lines);
        }
    }

    [Fact]
    public void After_the_plugin_that_subscribed_is_unloaded_libjack_s_lines_still_reach_the_log()
    {
        using JackServer server = JackServer.Start("sg-diag");
        string plugins = RepoPaths.NewTempDir("plugins");
        CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "Jack"), Path.Combine(plugins, "Jack"));
        var second = new ListLogger<LibjackDiagnosticsTests>();
        nint probe = JackProcessClients.Open("sg-diag-probe", server.Name, null, out string? error);
        Assert.True(probe != 0, error);
        try
        {
            // A jack.client node of a collectible copy of the plugin subscribes its logger while it lives: a line that
            // libjack prints outside any capture (an empty port name, refused client-side by jack_port_register)
            // goes to it.
            WeakReference context = RunPluginNodeAndUnload(plugins, server.Name, probe, out string[] first);
            Assert.Contains(first, l => l == "Warning: libjack: port_name is empty");

            for (int i = 0; i < 50 && context.IsAlive; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(100);
            }

            Assert.False(context.IsAlive, "the plugin's load context was not collected");

            // libjack still calls the function it was given: the host's, not freed plugin code.
            Assert.Equal(NativeDiagnostics.JackErrorFunction, JackErrorCallback());
            using (NativeDiagnostics.Subscribe(NativeDiagnostics.Jack, second))
            {
                RegisterEmptyPort(probe);
                JackProcessClients.Close(probe);
                probe = 0;

                // And the case of the issue: a client open libjack fails noisily, outside any capture.
                Assert.Equal(0, OpenRaw("sg-none-" + Guid.NewGuid().ToString("N")[..6]));
                NativeDiagnostics.Flush();
            }

            string[] lines = second.Lines;
            TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", lines));
            Assert.Contains(lines, l => l == "Warning: libjack: port_name is empty");
            Assert.Contains(lines, l => l.StartsWith("Warning: libjack: Cannot connect to server socket", StringComparison.Ordinal));
        }
        finally
        {
            JackProcessClients.Close(probe);
        }
    }

    [Fact]
    public void A_burst_of_libjack_lines_allocates_nothing_where_printed_and_is_rate_limited_with_summaries_that_count_the_rest()
    {
        using JackServer server = JackServer.Start("sg-burst");
        nint probe = JackProcessClients.Open("sg-burst-probe", server.Name, null, out string? error);
        Assert.True(probe != 0, error);
        var logger = new ListLogger<LibjackDiagnosticsTests>();
        long elapsedMs;
        try
        {
            using (NativeDiagnostics.Subscribe(NativeDiagnostics.Jack, logger))
            {
                // The windows are the process's, per library: wait until the one that counted earlier lines (other
                // tests') has closed, so the burst starts in a window that has written nothing yet.
                NativeDiagnostics.Flush();
                Thread.Sleep((int)NativeDiagnostics.IntervalMs + (3 * NativeDiagnostics.DrainIntervalMs));
                long started = Environment.TickCount64;
                RegisterEmptyPort(probe); // warm-up: JIT of the path (its line is one of the 100)
                long allocated = 0;
                for (int i = 1; i < 100; i++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    nint port = TryRegisterEmptyPort(probe); // libjack calls the host's function on this thread
                    allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                    Assert.Equal(0, port);
                    if (i % 20 == 19)
                    {
                        NativeDiagnostics.Flush(); // the ring holds 256 lines: drain as the drain thread would
                    }
                }

                Assert.Equal(0, allocated); // the function libjack calls copies into the ring: nothing allocated
                NativeDiagnostics.Flush();
                elapsedMs = Environment.TickCount64 - started;
                Thread.Sleep((int)NativeDiagnostics.IntervalMs + 3 * NativeDiagnostics.DrainIntervalMs); // the last window closes: its summary
            }

            // Windows are the drain's, not the burst's: the burst may straddle a boundary. Every line is either written
            // or counted by a summary, and no window writes more than LinesPerInterval.
            string[] lines = logger.Lines;
            TestContext.Current.TestOutputHelper?.WriteLine($"burst of 100 lines in {elapsedMs} ms:\n" + string.Join("\n", lines));
            int written = lines.Count(l => l == "Warning: libjack: port_name is empty");
            long suppressed = lines
                .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^Warning: libjack: (\d+) more lines suppressed in \d+\.\d s$"))
                .Where(m => m.Success)
                .Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(100, written + suppressed);
            Assert.InRange(written, NativeDiagnostics.LinesPerInterval, NativeDiagnostics.LinesPerInterval * ((elapsedMs / NativeDiagnostics.IntervalMs) + 2));
            Assert.Equal(0, NativeDiagnostics.Dropped);
        }
        finally
        {
            JackProcessClients.Close(probe);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RunPluginNodeAndUnload(string plugins, string serverName, nint probe, out string[] lines)
    {
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(plugins, registry);
        Assert.Empty(host.LoadAll());
        Assert.True(registry.TryGet("jack.client", out NodeTypeDescriptor? jack));
        Assert.NotEqual(typeof(JackClientNode), jack!.NodeType); // the collectible copy, not the test's

        object parameters = Activator.CreateInstance(jack.ParametersType)!;
        jack.ParametersType.GetProperty("ServerName")!.SetValue(parameters, serverName);
        jack.ParametersType.GetProperty("ClientName")!.SetValue(parameters, "sg-diag-node");
        // An ILogger<JackClientNode> of the collectible copy's type, as the host's DI would give it.
        Type loggerType = typeof(ListLogger<>).MakeGenericType(jack.NodeType);
        object logger = Activator.CreateInstance(loggerType)!;
        using (var node = (IDisposable)Activator.CreateInstance(jack.NodeType, parameters, logger)!)
        {
            RegisterEmptyPort(probe);
            NativeDiagnostics.Flush();
        }

        lines = (string[])loggerType.GetProperty(nameof(ListLogger<object>.Lines))!.GetValue(logger)!;

        return host.Unload("Jack")!;
    }

    // jack_port_register refuses an empty name client-side, through jack_error ("port_name is empty"), on this thread.
    private static void RegisterEmptyPort(nint client) => Assert.Equal(0, TryRegisterEmptyPort(client));

    private static nint TryRegisterEmptyPort(nint client)
    {
        byte empty = 0;
        fixed (byte* type = "32 bit float mono audio\0"u8)
        {
            return JackNative.PortRegister(client, &empty, type, new CULong((nuint)JackNative.JackPortIsOutput), new CULong(0));
        }
    }

    private static nint OpenRaw(string server)
    {
        JackNative.EnsureLoaded(); // the resolver maps "jack" to libjack.so.0: needed when this test runs first
        byte[] name = JackClientOpener.Utf8("probe");
        byte[] serverName = JackClientOpener.Utf8(server);
        int status = 0;
        fixed (byte* n = name)
        fixed (byte* s = serverName)
        {
            return JackNative.ClientOpen(n, JackNative.JackNoStartServer | JackNative.JackServerName, &status, s);
        }
    }

    private static nint JackErrorCallback()
    {
        Assert.True(NativeLibrary.TryLoad("libjack.so.0", out nint jack));
        Assert.True(NativeLibrary.TryGetExport(jack, "jack_error_callback", out nint address));
        return Marshal.ReadIntPtr(address);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            System.IO.File.Copy(file, dest);
        }
    }
}
