using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.File.Tests;

/// <summary>
/// Damaged files and full disks: a decode error is skipped over and said, a truncated file is said, a writer that
/// cannot write everything fails loudly (issue 15, item 5).
/// </summary>
public sealed class FaultTests
{
    private const int Block = 64;

    [Fact]
    public void A_flac_with_4_KB_corrupted_in_the_middle_decodes_to_its_full_length_and_keeps_its_place_in_time()
    {
        string dir = RepoPaths.NewTempDir("damaged-flac");
        string clean = NodeHarness.Sox(dir, "clean.flac", "-n -r 48000 -c 2 -b 24", "synth 10 pinknoise");
        string damaged = Corrupt(clean, Path.Combine(dir, "damaged.flac"), seed: 1);
        (float[] reference, _, _) = TestAudio.ReadWithSox(clean);
        long soxFrames = SoxDecodedFrames(damaged, dir);
        var sink = new RecordingEventSink();
        var log = new ListLogger<FileReaderNode>();
        using var reader = new FileReaderNode(new FileReaderParameters { Path = damaged }, log);
        reader.Prepare(NodeHarness.Context("r", Block, [], [2], sink.Writer("r"), offline: true));
        reader.Start();

        float[] actual = NodeHarness.ReadAll(reader, 2, Block, offline: true, long.MaxValue, sink.Writer("r"));

        Assert.Equal(480_000, actual.Length / 2);
        Assert.True(actual.Length / 2 >= soxFrames, $"we decoded {actual.Length / 2} frames, sox {soxFrames}");
        Assert.Equal(1, reader.DecodeErrors);
        Assert.InRange(reader.SkippedFrames, 1, 8192); // one FLAC block of 4096 frames holds 4 KB of damage
        Assert.Equal(0, sink.Count(NodeEventKind.Failed));
        string warning = Assert.Single(log.Lines, l => l.Contains("decode error", StringComparison.Ordinal));
        Assert.Contains("lost sync", warning, StringComparison.Ordinal);
        Assert.Contains("played as silence", warning, StringComparison.Ordinal);

        // Every frame outside the damaged region is the clean file's frame at the same place.
        int differing = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] != reference[i])
            {
                differing++;
            }
        }

        Assert.InRange(differing, 1, 2 * (int)reader.SkippedFrames + (2 * 4096));
        Assert.Equal(reference.AsSpan(reference.Length - 96_000).ToArray(), actual.AsSpan(actual.Length - 96_000).ToArray());
    }

    [Fact]
    public void A_flac_cut_in_half_fails_with_the_position_instead_of_ending_quietly()
    {
        string dir = RepoPaths.NewTempDir("cut-flac");
        string clean = NodeHarness.Sox(dir, "clean.flac", "-n -r 48000 -c 2 -b 24", "synth 10 pinknoise");
        byte[] bytes = System.IO.File.ReadAllBytes(clean);
        string cut = Path.Combine(dir, "cut.flac");
        System.IO.File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var sink = new RecordingEventSink();
        var log = new ListLogger<FileReaderNode>();
        using var reader = new FileReaderNode(new FileReaderParameters { Path = cut }, log);
        reader.Prepare(NodeHarness.Context("r", Block, [], [2], sink.Writer("r"), offline: true));
        reader.Start();

        float[] actual = NodeHarness.ReadAll(reader, 2, Block, offline: true, long.MaxValue, sink.Writer("r"));

        Assert.InRange(actual.Length / 2, 100_000, 300_000);
        Assert.True(reader.HasEnded);
        NodeEvent failed = Assert.Single(sink.Events, e => e.Kind == NodeEventKind.Failed);
        Assert.Equal(actual.Length / 2, failed.Value);
        string error = Assert.Single(log.Lines, l => l.Contains("nothing decodable follows", StringComparison.Ordinal));
        Assert.Contains("the header announces 10.000 s", error, StringComparison.Ordinal);
        Assert.Matches(@"failed at \d+\.\d{3} s \(frame \d+\)", error);
    }

    [Fact]
    public void A_wav_shorter_than_its_header_is_reported_when_prepared_and_plays_what_it_holds()
    {
        string dir = RepoPaths.NewTempDir("truncated-wav");
        string whole = NodeHarness.Sox(dir, "whole.wav", "-n -r 48000 -c 2 -b 24", "synth 5 sine 440");
        byte[] bytes = System.IO.File.ReadAllBytes(whole);
        string truncated = Path.Combine(dir, "truncated.wav");
        System.IO.File.WriteAllBytes(truncated, bytes.AsSpan(0, 80 + (24_960 * 6)).ToArray());
        var sink = new RecordingEventSink();
        var log = new ListLogger<FileReaderNode>();
        using var reader = new FileReaderNode(new FileReaderParameters { Path = truncated }, log);
        reader.Prepare(NodeHarness.Context("r", Block, [], [2], sink.Writer("r"), offline: true));
        reader.Start();

        float[] actual = NodeHarness.ReadAll(reader, 2, Block, offline: true, long.MaxValue, sink.Writer("r"));

        string warning = Assert.Single(log.Lines, l => l.Contains("shorter than its header says", StringComparison.Ordinal));
        Assert.Contains("data : 1440000 (should be", warning, StringComparison.Ordinal);
        Assert.Equal(reader.LengthFrames, actual.Length / 2);
        Assert.InRange(actual.Length / 2, 24_950, 24_970);
        Assert.Equal(0, sink.Count(NodeEventKind.Failed));
    }

    [Fact]
    public void An_intact_file_is_not_reported_as_short()
    {
        Assert.True(SoundFileHeader.TryRead(TestAudio.FrontCenterWav, out SoundFileHeader header, out _));
        Assert.Null(header.Shortfall);
        Assert.Null(SoundFileHeader.FindShortfall("RIFF : 1440072 (should be 149796)\nWAVE\ndata : 1440000\n"));
        Assert.Equal("SSND : 960008 (should be 99920)", SoundFileHeader.FindShortfall("FORM : 960080 (should be 99992)\n SSND : 960008 (should be 99920)\n"));
    }

    [Fact]
    public void A_writer_on_a_full_disk_publishes_Failed_once_without_overflows_and_Stop_says_what_was_written_and_lost()
    {
        using var disk = new SmallTmpfs("full-disk", kibibytes: 256);
        string path = Path.Combine(disk.Path, "out.wav");
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("w");
        var writer = new FileWriterNode(new FileWriterParameters { Path = path, Subtype = AudioFileSubtype.Pcm_24 });
        writer.Prepare(NodeHarness.Context("w", Block, [2], [], events, offline: true));
        writer.Start();
        var buffer = new AudioBuffer(2, Block);
        buffer.Samples.AsSpan().Fill(0.25f);
        var inputs = new[] { buffer };
        const long frames = 10 * 48_000; // 2.9 MB of 24-bit stereo into 256 KiB
        for (long t = 0; t < frames; t += Block)
        {
            writer.Process(new ProcessContext(Block, t, 48_000, inputs, [], events, offline: true));
        }

        var failure = Assert.Throws<NodeException>(writer.Stop);
        writer.Dispose();

        NodeEvent failed = Assert.Single(sink.Events, e => e.Kind == NodeEventKind.Failed);
        Assert.Equal(0, sink.Count(NodeEventKind.Overflow));
        Assert.InRange(writer.FramesWritten, 1, 256 * 1024 / 6);
        Assert.InRange(failed.Value, 1, writer.FramesWritten);
        Assert.Equal(frames, writer.FramesReceived);
        Assert.Contains($"{writer.FramesWritten} frames (", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"{frames - writer.FramesWritten} frames (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("lost", failure.Message, StringComparison.Ordinal);
        Assert.Contains("is incomplete", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_refuses_a_writer_path_that_cannot_be_created_and_accepts_missing_folders()
    {
        using var readOnly = new SmallTmpfs("read-only", kibibytes: 64, readOnly: true);
        string dir = RepoPaths.NewTempDir("writable");
        System.IO.File.WriteAllText(Path.Combine(dir, "plain-file"), "x");

        static string? PathError(string path) =>
            new FileWriterParameters { Path = path }.Validate().SingleOrDefault(e => e.Parameter == "path").Message;

        Assert.Contains("is not writable: read-only file system", PathError(Path.Combine(readOnly.Path, "out.wav")), StringComparison.Ordinal);
        Assert.Contains("is not writable: read-only file system", PathError(Path.Combine(readOnly.Path, "new", "deeper", "out.wav")), StringComparison.Ordinal);
        Assert.Contains("is a file, not a folder", PathError(Path.Combine(dir, "plain-file", "out.wav")), StringComparison.Ordinal);
        string folder = Directory.CreateDirectory(RepoPaths.NewTempDir("folder") + ".wav").FullName;
        Assert.Contains("is a folder, not a file", PathError(folder), StringComparison.Ordinal);
        Assert.Null(PathError(Path.Combine(dir, "new", "deeper", "out.wav")));
        Assert.False(Directory.Exists(Path.Combine(dir, "new")), "validation created a folder");
        Assert.Equal(["plain-file"], Directory.GetFileSystemEntries(dir).Select(e => Path.GetFileName(e)!).ToArray()); // the probe is gone
    }

    /// <summary>Overwrites 4096 bytes in the middle of a copy of <paramref name="source"/> with seeded random bytes.</summary>
    private static string Corrupt(string source, string destination, int seed)
    {
        byte[] bytes = System.IO.File.ReadAllBytes(source);
        new Random(seed).NextBytes(bytes.AsSpan(bytes.Length / 2, 4096));
        System.IO.File.WriteAllBytes(destination, bytes);
        return destination;
    }

    /// <summary>Frames sox decodes from a damaged file (it reports the damage and exits 0 or 2; either way it writes what it decoded).</summary>
    private static long SoxDecodedFrames(string path, string dir)
    {
        string raw = Path.Combine(dir, "sox.f32");
        var psi = new System.Diagnostics.ProcessStartInfo("sox", $"\"{path}\" -t f32 \"{raw}\"") { RedirectStandardError = true, UseShellExecute = false };
        using var p = System.Diagnostics.Process.Start(psi)!;
        _ = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "sox did not finish in 60 s");
        return new FileInfo(raw).Length / 8;
    }
}
