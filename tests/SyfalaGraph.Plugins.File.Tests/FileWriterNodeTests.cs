using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.File.Tests;

public sealed class FileWriterNodeTests
{
    private const int Block = 64;

    [Fact]
    public void Reader_to_float_writer_round_trip_is_bit_exact_against_sox()
    {
        string dir = RepoPaths.NewTempDir("file-writer");
        string output = Path.Combine(dir, "round-trip.wav");

        RoundTrip(TestAudio.FrontCenterWav, new FileWriterParameters { Path = output, Subtype = AudioFileSubtype.Float }, channels: 1);

        (float[] expected, int expectedChannels, int expectedRate) = TestAudio.ReadWithSox(TestAudio.FrontCenterWav);
        (float[] actual, int channels, int rate) = TestAudio.ReadWithSox(output);
        Assert.Equal(expectedChannels, channels);
        Assert.Equal(expectedRate, rate);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected, actual);
        Assert.Contains("32-bit Floating Point PCM", TestAudio.Run("soxi", $"\"{output}\""), StringComparison.Ordinal);
    }

    [Fact]
    public void Pcm_16_round_trip_is_bit_exact()
    {
        string dir = RepoPaths.NewTempDir("file-writer");
        string output = Path.Combine(dir, "round-trip-16.wav");

        RoundTrip(TestAudio.FrontCenterWav, new FileWriterParameters { Path = output, Subtype = AudioFileSubtype.Pcm_16 }, channels: 1);

        Assert.Equal(TestAudio.ReadWithSox(TestAudio.FrontCenterWav).Samples, TestAudio.ReadWithSox(output).Samples);
        Assert.Equal("16", TestAudio.Run("soxi", $"-b \"{output}\"").Trim());
    }

    [Fact]
    public void Pcm_24_output_is_within_one_lsb()
    {
        string dir = RepoPaths.NewTempDir("file-writer");
        string source = NodeHarness.Sox(dir, "speech-48k-float.wav", $"\"{TestAudio.SpeechWav}\"", "rate -v 48000 gain -1", "-e floating-point -b 32");
        string output = Path.Combine(dir, "out.wav"); // pcm_24 is the default for wav

        RoundTrip(source, new FileWriterParameters { Path = output }, channels: 1);

        (float[] expected, _, _) = TestAudio.ReadWithSox(source);
        (float[] actual, _, _) = TestAudio.ReadWithSox(output);
        Assert.Equal("24", TestAudio.Run("soxi", $"-b \"{output}\"").Trim());
        Assert.Equal(expected.Length, actual.Length);
        const double lsb = 1.0 / 8388608.0;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - (double)actual[i]));
        }

        Assert.InRange(worst, 0, lsb * 1.0001);
    }

    [Fact]
    public void Stereo_flac_and_ogg_files_are_written_with_their_channels()
    {
        string dir = RepoPaths.NewTempDir("file-writer");
        string stereo = NodeHarness.Sox(dir, "stereo.wav", $"\"{TestAudio.FrontCenterWav}\"", "remix 1 1v-0.5");
        string flac = Path.Combine(dir, "out.flac");
        string ogg = Path.Combine(dir, "out.ogg");

        RoundTrip(stereo, new FileWriterParameters { Path = flac, Subtype = AudioFileSubtype.Pcm_16 }, channels: 2);
        RoundTrip(stereo, new FileWriterParameters { Path = ogg }, channels: 2);

        Assert.Equal(TestAudio.ReadWithSox(stereo).Samples, TestAudio.ReadWithSox(flac).Samples);
        Assert.Contains("FLAC", TestAudio.Run("soxi", $"-t \"{flac}\"").ToUpperInvariant(), StringComparison.Ordinal);
        (float[] vorbis, int channels, _) = TestAudio.ReadWithSox(ogg);
        Assert.Equal(2, channels);
        Assert.Equal(TestAudio.ReadWithSox(stereo).Samples.Length, vorbis.Length);
        Assert.Equal("vorbis", TestAudio.Run("soxi", $"-t \"{ogg}\"").Trim());
    }

    [Fact]
    public void Integer_subtypes_clip_overs_instead_of_wrapping()
    {
        string dir = RepoPaths.NewTempDir("file-writer");
        string output = Path.Combine(dir, "hot.wav");
        var sink = new RecordingEventSink();
        var input = new AudioBuffer(1, Block);
        for (int i = 0; i < Block; i++)
        {
            input.Samples[i] = i % 2 == 0 ? 1.5f : -1.5f;
        }

        using (FileWriterNode writer = NodeHarness.PreparedWriter(new FileWriterParameters { Path = output, Subtype = AudioFileSubtype.Pcm_16 }, 1, Block, sink.Writer("w"), offline: true))
        {
            writer.Process(new ProcessContext(Block, 0, 48000, new[] { input }, [], sink.Writer("w"), offline: true));
            writer.Stop();
        }

        (float[] actual, _, _) = TestAudio.ReadWithSox(output);
        Assert.Equal(Block, actual.Length);
        for (int i = 0; i < Block; i++)
        {
            Assert.Equal(i % 2 == 0 ? 32767f / 32768f : -1f, actual[i]);
        }
    }

    [Fact]
    public void File_is_complete_and_valid_when_stopped_mid_stream()
    {
        string dir = RepoPaths.NewTempDir("file-writer");
        string output = Path.Combine(dir, "nested", "folders", "take.wav");
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("w");
        var input = new AudioBuffer(2, Block);
        var inputs = new[] { input };
        FileWriterNode writer = NodeHarness.PreparedWriter(new FileWriterParameters { Path = output }, 2, Block, events, offline: false);
        const int blocks = 1000; // 1.33 s at 48 kHz: more than the ring holds, so the disk thread must keep up
        for (int b = 0; b < blocks; b++)
        {
            for (int f = 0; f < Block; f++)
            {
                float s = 0.25f * MathF.Sin(2 * MathF.PI * 440 * ((b * Block) + f) / 48000f);
                input.Samples[f] = s;
                input.Samples[Block + f] = -s;
            }

            writer.Process(new ProcessContext(Block, (long)b * Block, 48000, inputs, [], events, offline: false));
            if (b % 16 == 15)
            {
                Thread.Sleep(1); // roughly paced, like a realtime clock
            }
        }

        writer.Stop(); // mid-stream: no end of input, as on Ctrl-C

        long expectedFrames = ((long)blocks * Block) - writer.DroppedFrames;
        Assert.Equal(0, writer.Overflows);
        Assert.Equal(expectedFrames, writer.FramesWritten);
        Assert.Equal(expectedFrames, NodeHarness.SoxiFrames(output));
        Assert.Equal("2", TestAudio.Run("soxi", $"-c \"{output}\"").Trim());
        (float[] samples, _, _) = TestAudio.ReadWithSox(output);
        Assert.Equal(expectedFrames * 2, samples.Length);
        Assert.Equal(-samples[1000], samples[1001], 1e-6f);
        writer.Dispose();
    }

    [Fact]
    public void Header_stays_valid_while_the_file_is_being_written()
    {
        string dir = RepoPaths.NewTempDir("file-writer");
        string output = Path.Combine(dir, "live.wav");
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("w");
        var input = new AudioBuffer(1, Block);
        input.Samples.AsSpan().Fill(0.1f);
        using FileWriterNode writer = NodeHarness.PreparedWriter(new FileWriterParameters { Path = output, Subtype = AudioFileSubtype.Pcm_16 }, 1, Block, events, offline: true);
        const int blocks = 800; // 51,200 frames: several disk batches
        for (int b = 0; b < blocks; b++)
        {
            writer.Process(new ProcessContext(Block, (long)b * Block, 48000, new[] { input }, [], events, offline: true));
        }

        // Without Stop (as if the process were killed now): the header already describes what is on disk.
        long deadline = Environment.TickCount64 + 3000;
        while (writer.FramesWritten < 40_000 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(5);
        }

        long onDisk = writer.FramesWritten;
        Assert.InRange(onDisk, 40_000, blocks * Block);
        Assert.InRange(NodeHarness.SoxiFrames(output), 40_000, blocks * Block);

        writer.Stop();
        Assert.Equal(blocks * Block, NodeHarness.SoxiFrames(output));
    }

    [Fact]
    public void Dispose_without_stop_still_writes_and_closes_the_file()
    {
        string output = Path.Combine(RepoPaths.NewTempDir("file-writer"), "disposed.aiff");
        var input = new AudioBuffer(1, Block);
        input.Samples.AsSpan().Fill(-0.5f);
        FileWriterNode writer = NodeHarness.PreparedWriter(new FileWriterParameters { Path = output }, 1, Block, NodeEventWriter.Null, offline: true);
        for (int b = 0; b < 100; b++)
        {
            writer.Process(new ProcessContext(Block, (long)b * Block, 48000, new[] { input }, [], NodeEventWriter.Null, offline: true));
        }

        writer.Dispose();
        writer.Stop(); // harmless after Dispose

        (float[] samples, _, _) = TestAudio.ReadWithSox(output);
        Assert.Equal(100 * Block, samples.Length);
        Assert.All(samples, s => Assert.Equal(-0.5f, s));
    }

    [Fact]
    public void Realtime_overflow_drops_the_block_and_publishes_it()
    {
        string dir = RepoPaths.NewTempDir("file-writer");
        string output = Path.Combine(dir, "overflow.wav");
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("w");
        var writer = new FileWriterNode(new FileWriterParameters { Path = output });
        writer.Prepare(NodeHarness.Context("w", Block, [1], [], events, offline: false));
        // Not started: nothing drains the ring, so it fills after 1 s of audio (48,000 frames -> 65,536 slots).
        var input = new AudioBuffer(1, Block);
        int blocks = (65536 / Block) + 10;
        for (int b = 0; b < blocks; b++)
        {
            writer.Process(new ProcessContext(Block, (long)b * Block, 48000, new[] { input }, [], events, offline: false));
        }

        Assert.Equal(10, writer.Overflows);
        Assert.Equal(10 * Block, writer.DroppedFrames);
        NodeEvent[] overflows = sink.Events.Where(e => e.Kind == NodeEventKind.Overflow).ToArray();
        Assert.Equal(10, overflows.Length);
        Assert.All(overflows, e => Assert.Equal(Block, e.Value));

        writer.Stop(); // never started: Stop writes the ring out on the calling thread
        Assert.Equal(65536, NodeHarness.SoxiFrames(output));
        writer.Dispose();
    }

    [Fact]
    public void Bad_format_subtype_combination_lists_the_valid_subtypes()
    {
        ParameterError error = Assert.Single(new FileWriterParameters { Path = "/tmp/x.wav", Subtype = AudioFileSubtype.Vorbis }.Validate());

        Assert.Equal("subtype", error.Parameter);
        Assert.Equal("subtype vorbis cannot be written in wav files; valid subtypes for wav: pcm_16, pcm_24, pcm_32, float, double", error.Message);
    }

    [Fact]
    public void Subtype_flac_needs_the_flac_container()
    {
        ParameterError error = Assert.Single(new FileWriterParameters { Path = "/tmp/x.aiff", Subtype = AudioFileSubtype.Flac }.Validate());

        Assert.Equal("subtype", error.Parameter);
        Assert.StartsWith("subtype flac means FLAC coding and needs format flac; valid subtypes for aiff: ", error.Message, StringComparison.Ordinal);
        Assert.Empty(new FileWriterParameters { Path = "/tmp/x.flac", Subtype = AudioFileSubtype.Flac }.Validate());
        Assert.Empty(new FileWriterParameters { Path = "/tmp/x.raw", Subtype = AudioFileSubtype.Flac }.Validate());
    }

    [Fact]
    public void Unknown_extension_without_format_is_an_error_on_format()
    {
        ParameterError error = Assert.Single(new FileWriterParameters { Path = "/tmp/take.xyz" }.Validate());

        Assert.Equal("format", error.Parameter);
        Assert.Equal("cannot tell the file format from the extension '.xyz' of '/tmp/take.xyz': set format to one of wav, aiff, flac, ogg, caf, w64, rf64, au", error.Message);
        Assert.Empty(new FileWriterParameters { Path = "/tmp/take.xyz", Format = AudioFileFormat.Caf }.Validate());
    }

    [Theory]
    [InlineData("a.wav", null, null)]
    [InlineData("a.aiff", null, null)]
    [InlineData("a.flac", null, null)]
    [InlineData("a.ogg", null, null)]
    [InlineData("a.opus", null, null)]
    [InlineData("a.caf", null, AudioFileSubtype.Double)]
    [InlineData("a.w64", null, AudioFileSubtype.Pcm_32)]
    [InlineData("a.rf64", null, AudioFileSubtype.Float)]
    [InlineData("a.au", null, AudioFileSubtype.Pcm_16)]
    [InlineData("a.bin", AudioFileFormat.Wav, null)]
    public void Valid_formats_pass_validation(string file, AudioFileFormat? format, AudioFileSubtype? subtype) =>
        Assert.Empty(new FileWriterParameters { Path = "/tmp/" + file, Format = format, Subtype = subtype }.Validate());

    [Fact]
    public void Input_takes_its_channel_count_from_links()
    {
        var ports = new PortLayout();

        new FileWriterParameters { Path = "/tmp/a.wav" }.DeclarePorts(ports);

        PortDeclaration input = Assert.Single(ports.Inputs);
        Assert.Equal("in", input.Name);
        Assert.True(input.Channels.IsInferred);
        Assert.Empty(ports.Outputs);
    }

    [Fact]
    public void Prepare_without_linked_channels_is_a_node_error()
    {
        using var writer = new FileWriterNode(new FileWriterParameters { Path = Path.Combine(RepoPaths.NewTempDir("file-writer"), "a.wav") });

        var error = Assert.Throws<NodeException>(() => writer.Prepare(NodeHarness.Context("w", Block, [0], [], NodeEventWriter.Null, offline: true)));

        Assert.Contains("nothing is linked into 'in'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_reports_libsndfile_refusing_the_rate()
    {
        string path = Path.Combine(RepoPaths.NewTempDir("file-writer"), "a.opus");
        using var writer = new FileWriterNode(new FileWriterParameters { Path = path });

        var error = Assert.Throws<NodeException>(() =>
            writer.Prepare(NodeHarness.Context("w", Block, [1], [], NodeEventWriter.Null, offline: true, rate: 44100)));

        Assert.StartsWith($"cannot create '{path}' (1 channel(s) at 44100 Hz): ", error.Message, StringComparison.Ordinal);
    }

    private static void RoundTrip(string source, FileWriterParameters writerParameters, int channels)
    {
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("n");
        using FileReaderNode reader = NodeHarness.PreparedReader(new FileReaderParameters { Path = source }, Block, events, offline: true);
        using FileWriterNode writer = NodeHarness.PreparedWriter(writerParameters, channels, Block, events, offline: true);

        long frames = NodeHarness.Render(reader, writer, channels, Block, events);

        reader.Stop();
        writer.Stop();
        Assert.Equal(reader.LengthFrames, frames);
        Assert.Equal(frames, writer.FramesWritten);
        Assert.Equal(0, writer.Overflows);
        Assert.Equal(0, reader.Underflows);
        Assert.Equal(1, sink.Count(NodeEventKind.EndOfStream));
    }
}
