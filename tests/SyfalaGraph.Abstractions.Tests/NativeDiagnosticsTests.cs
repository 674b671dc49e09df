using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Abstractions.Tests;

/// <summary>
/// The host's capture of native diagnostics: its lock-free ring, the formatting of alsa-lib's variadic lines, and
/// alsa-lib's real error handler routed to a subscriber or a capture (needs libasound2, a dependency of libportaudio2).
/// </summary>
public sealed unsafe class NativeDiagnosticsTests
{
    [Fact]
    public void The_ring_delivers_every_line_of_concurrent_producers_once_or_counts_it_dropped()
    {
        var ring = new NativeDiagnosticRing();
        const int Producers = 4;
        const int PerProducer = 20_000;
        using var done = new CountdownEvent(Producers);
        for (int p = 0; p < Producers; p++)
        {
            int producer = p;
            new Thread(() =>
            {
                for (int i = 0; i < PerProducer; i++)
                {
                    if (ring.TryClaim(out int slot, out _))
                    {
                        ring.Publish(slot, producer, (producer * PerProducer) + i, 0);
                    }

                    Thread.SpinWait(100); // a printing library's pace, so the consumer keeps up with some of it
                }

                done.Signal();
            }) { IsBackground = true }.Start();
        }

        long read = 0;
        var seen = new bool[Producers * PerProducer];
        bool finished;
        do
        {
            finished = done.IsSet; // read after the producers are done: the last pass sees every published line
            while (ring.TryRead(out int source, out int value, out string? line))
            {
                Assert.InRange(source, 0, Producers - 1);
                Assert.Equal("", line);
                Assert.False(seen[value], $"line {value} delivered twice");
                seen[value] = true;
                read++;
            }
        }
        while (!finished);

        Assert.Equal(Producers * PerProducer, read + ring.Dropped);
        TestContext.Current.TestOutputHelper?.WriteLine($"read {read}, dropped {ring.Dropped}");
    }

    [Fact]
    public void The_ring_keeps_each_line_s_source_thread_and_text_in_order()
    {
        var ring = new NativeDiagnosticRing();
        for (int i = 0; i < NativeDiagnosticRing.Capacity; i++)
        {
            Assert.True(ring.TryClaim(out int slot, out byte* text));
            byte[] line = System.Text.Encoding.UTF8.GetBytes($"line {i}\n");
            line.CopyTo(new Span<byte>(text, line.Length));
            ring.Publish(slot, i % 3, 1000 + i, line.Length);
        }

        Assert.False(ring.TryClaim(out _, out _)); // full: dropped, never waits
        Assert.Equal(1, ring.Dropped);
        for (int i = 0; i < NativeDiagnosticRing.Capacity; i++)
        {
            Assert.True(ring.TryRead(out int source, out int thread, out string? line));
            Assert.Equal((i % 3, 1000 + i, $"line {i}"), (source, thread, line));
        }

        Assert.False(ring.TryRead(out _, out _, out _));
    }

    [Fact]
    public void Alsa_s_printf_format_is_written_with_its_integer_class_arguments()
    {
        byte* text = stackalloc byte[256];
        var writer = new AlsaLineWriter(text, 256);
        nint name = Marshal.StringToHGlobalAnsi("cards.pcm.front");
        try
        {
            nint* args = stackalloc nint[6] { name, -12, 255, unchecked((nint)3_000_000_000L), 'Z', 0 };
            fixed (byte* format = "Unknown PCM %s: %d %04x %lu %c %5.2f 100%% %s%s\0"u8)
            {
                writer.Format(format, args, 6);
            }

            Assert.Equal("Unknown PCM cards.pcm.front: -12 ff 3000000000 Z ? 100% (null)?",
                System.Text.Encoding.UTF8.GetString(text, writer.Length));
        }
        finally
        {
            Marshal.FreeHGlobal(name);
        }
    }

    [Fact]
    public void A_long_alsa_line_is_cut_at_the_slot_capacity()
    {
        byte* text = stackalloc byte[16];
        var writer = new AlsaLineWriter(text, 16);
        writer.Integer(long.MinValue);
        writer.Bytes("and more"u8);
        Assert.Equal(16, writer.Length);
        Assert.Equal("-922337203685477", System.Text.Encoding.UTF8.GetString(text, writer.Length));
    }

    [Fact]
    public void Alsa_lib_s_error_lines_reach_the_subscriber_or_the_capture_formatted()
    {
        Assert.True(NativeLibrary.TryLoad("libasound.so.2", out nint alsa), "libasound2 is not installed");
        var open = (delegate* unmanaged[Cdecl]<nint*, byte*, int, int, int>)NativeLibrary.GetExport(alsa, "snd_pcm_open");
        var logger = new ListLogger<NativeDiagnosticsTests>();
        string pcm = "sg_nonexistent_" + Guid.NewGuid().ToString("N")[..6];
        byte[] name = System.Text.Encoding.UTF8.GetBytes(pcm + "\0");

        int OpenMissing()
        {
            nint handle = 0;
            fixed (byte* n = name)
            {
                return open(&handle, n, 0 /* SND_PCM_STREAM_PLAYBACK */, 0);
            }
        }

        using (NativeDiagnostics.Subscribe(NativeDiagnostics.Alsa, logger))
        {
            (int captured, string capturedLines) = NativeDiagnostics.Capture(NativeDiagnostics.Alsa, OpenMissing);
            Assert.True(captured < 0);
            Assert.Matches($@"^pcm\.c:\d+:\(snd_pcm_open_noupdate\) Unknown PCM {pcm}$", capturedLines);

            // Captures nest: a capture of another source does not take alsa-lib's lines; an inner capture of the same
            // source takes its call's lines, and the outer one what follows.
            (string inner, string outerLines) = NativeDiagnostics.Capture(NativeDiagnostics.Alsa, () =>
            {
                (_, string jackLines) = NativeDiagnostics.Capture(NativeDiagnostics.Jack, OpenMissing);
                Assert.Equal("", jackLines);
                (_, string innerLines) = NativeDiagnostics.Capture(NativeDiagnostics.Alsa, OpenMissing);
                _ = OpenMissing();
                return innerLines;
            });
            Assert.Matches($@"^pcm\.c:\d+:\(snd_pcm_open_noupdate\) Unknown PCM {pcm}$", inner);
            string unknown = $"(snd_pcm_open_noupdate) Unknown PCM {pcm}";
            Assert.Equal(2, outerLines.Split("; ").Count(l => l.EndsWith(unknown, StringComparison.Ordinal)));

            Assert.True(OpenMissing() < 0);
            NativeDiagnostics.Flush();
        }

        string[] lines = logger.Lines;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", lines));
        string line = Assert.Single(lines);
        Assert.Matches($@"^Warning: alsa-lib: pcm\.c:\d+:\(snd_pcm_open_noupdate\) Unknown PCM {pcm}$", line);
    }
}
