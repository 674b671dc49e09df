using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.File.Tests;

public sealed class FileReaderNodeTests
{
    private const int Block = 64;

    [Fact]
    public void Reader_outputs_a_pcm16_file_exactly_as_sox_decodes_it()
    {
        (float[] expected, int channels, int rate) = TestAudio.ReadWithSox(TestAudio.FrontCenterWav);
        Assert.Equal(1, channels);
        Assert.Equal(48000, rate);
        var sink = new RecordingEventSink();
        using FileReaderNode reader = NodeHarness.PreparedReader(new FileReaderParameters { Path = TestAudio.FrontCenterWav }, Block, sink.Writer("r"), offline: true);

        float[] actual = NodeHarness.ReadAll(reader, 1, Block, offline: true, long.MaxValue, sink.Writer("r"));
        reader.Stop();

        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.Length, reader.LengthFrames);
        for (int i = 0; i < expected.Length; i++)
        {
            // 16-bit PCM read as float is n / 32768 exactly: an integer once scaled back.
            float scaled = actual[i] * 32768f;
            Assert.Equal(MathF.Round(scaled), scaled);
            Assert.Equal(expected[i], actual[i]);
        }

        Assert.Equal(0, reader.Underflows);
    }

    [Fact]
    public void Reader_resamples_22050_Hz_speech_to_a_48_kHz_graph_like_sox()
    {
        string dir = RepoPaths.NewTempDir("file-reader");
        string reference = NodeHarness.Sox(dir, "speech-48k.wav", $"\"{TestAudio.SpeechWav}\"", "rate -v 48000", "-e floating-point -b 32");
        (float[] expected, _, int expectedRate) = TestAudio.ReadWithSox(reference);
        Assert.Equal(48000, expectedRate);
        var sink = new RecordingEventSink();
        using FileReaderNode reader = NodeHarness.PreparedReader(
            new FileReaderParameters { Path = TestAudio.SpeechWav, ResampleQuality = ResamplerQuality.High }, Block, sink.Writer("r"), offline: true);

        float[] actual = NodeHarness.ReadAll(reader, 1, Block, offline: true, long.MaxValue, sink.Writer("r"));

        long sourceFrames = NodeHarness.SoxiFrames(TestAudio.SpeechWav);
        double expectedFrames = sourceFrames * 48000.0 / 22050.0;
        Assert.InRange(actual.Length, expectedFrames - Block, expectedFrames + Block);
        Assert.InRange(reader.LengthFrames!.Value, expectedFrames - 1, expectedFrames + 1);
        int n = Math.Min(actual.Length, expected.Length);
        Assert.True(Correlation(expected.AsSpan(0, n), actual.AsSpan(0, n)) > 0.99, "resampled speech differs from sox's");
        Assert.True(Rms(expected.AsSpan(0, n)) > 0.01, "the reference is not silent");
    }

    [Fact]
    public void Loop_repeats_the_file_seamlessly()
    {
        string dir = RepoPaths.NewTempDir("file-reader");
        string clip = NodeHarness.Sox(dir, "clip.wav", $"\"{TestAudio.FrontCenterWav}\"", "trim 20000s 1000s");
        (float[] period, _, _) = TestAudio.ReadWithSox(clip);
        Assert.Equal(1000, period.Length);
        var sink = new RecordingEventSink();
        using FileReaderNode reader = NodeHarness.PreparedReader(new FileReaderParameters { Path = clip, Loop = true }, Block, sink.Writer("r"), offline: true);

        float[] actual = NodeHarness.ReadAll(reader, 1, Block, offline: true, 5500, sink.Writer("r"));

        Assert.Equal(5500, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.Equal(period[i % period.Length], actual[i]);
        }

        Assert.False(reader.HasEnded);
        Assert.False(reader.IsFinite);
        Assert.False(((IFiniteSource)reader).IsFinite);
        Assert.Null(reader.LengthFrames);
        Assert.Equal(0, sink.Count(NodeEventKind.EndOfStream));
    }

    [Fact]
    public void Loop_restarts_at_start_s()
    {
        string dir = RepoPaths.NewTempDir("file-reader");
        string clip = NodeHarness.Sox(dir, "clip.wav", $"\"{TestAudio.FrontCenterWav}\"", "trim 20000s 1000s");
        (float[] source, _, _) = TestAudio.ReadWithSox(clip);
        var sink = new RecordingEventSink();
        using FileReaderNode reader = NodeHarness.PreparedReader(
            new FileReaderParameters { Path = clip, Loop = true, StartS = 0.01 }, Block, sink.Writer("r"), offline: true);

        float[] actual = NodeHarness.ReadAll(reader, 1, Block, offline: true, 2600, sink.Writer("r"));

        for (int i = 0; i < actual.Length; i++)
        {
            Assert.Equal(source[480 + (i % 520)], actual[i]);
        }
    }

    [Fact]
    public void Loop_with_resampling_continues_across_the_seam_like_resampling_the_repeated_file()
    {
        string dir = RepoPaths.NewTempDir("file-reader");
        string clip = NodeHarness.Sox(dir, "clip.wav", $"\"{TestAudio.SpeechWav}\"", "trim 0.5 0.3");
        string repeated = NodeHarness.Sox(dir, "repeated.wav", $"\"{clip}\" \"{clip}\" \"{clip}\"", "rate -v 48000", "-e floating-point -b 32");
        (float[] expected, _, _) = TestAudio.ReadWithSox(repeated);
        var sink = new RecordingEventSink();
        using FileReaderNode reader = NodeHarness.PreparedReader(
            new FileReaderParameters { Path = clip, Loop = true, ResampleQuality = ResamplerQuality.High }, Block, sink.Writer("r"), offline: true);

        float[] actual = NodeHarness.ReadAll(reader, 1, Block, offline: true, expected.Length - 2000, sink.Writer("r"));

        Assert.True(Correlation(expected.AsSpan(0, actual.Length), actual) > 0.99, "the loop seam is not continuous");
        // Around each seam (0.3 s = 14,400 frames) the output follows the reference sample by sample.
        foreach (int seam in new[] { 14_400, 28_800 })
        {
            for (int i = seam - 200; i < seam + 200; i++)
            {
                Assert.InRange(actual[i] - expected[i], -0.01f, 0.01f);
            }
        }
    }

    [Fact]
    public void Start_s_skips_that_many_seconds_of_frames()
    {
        (float[] source, _, _) = TestAudio.ReadWithSox(TestAudio.FrontCenterWav);
        var sink = new RecordingEventSink();
        using FileReaderNode reader = NodeHarness.PreparedReader(
            new FileReaderParameters { Path = TestAudio.FrontCenterWav, StartS = 0.5 }, Block, sink.Writer("r"), offline: true);

        float[] actual = NodeHarness.ReadAll(reader, 1, Block, offline: true, long.MaxValue, sink.Writer("r"));

        Assert.Equal(source.Length - 24000, reader.LengthFrames);
        Assert.Equal(source.AsSpan(24000).ToArray(), actual);
    }

    [Fact]
    public void End_of_stream_is_published_once_then_the_node_stays_silent()
    {
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("speech");
        using FileReaderNode reader = NodeHarness.PreparedReader(new FileReaderParameters { Path = TestAudio.FrontCenterWav }, Block, events, offline: true);
        long length = reader.LengthFrames!.Value;
        var output = new AudioBuffer(1, Block);
        var outputs = new[] { output };
        long frameTime = 0;
        int blocksAfterEnd = 0;
        while (blocksAfterEnd < 10)
        {
            output.Samples.AsSpan().Fill(0.5f); // garbage on entry, as the contract allows
            reader.Process(new ProcessContext(Block, frameTime, 48000, [], outputs, events, offline: true));
            frameTime += Block;
            if (reader.HasEnded)
            {
                if (blocksAfterEnd > 0)
                {
                    Assert.All(output.Samples, s => Assert.Equal(0f, s));
                }
                else
                {
                    int tail = (int)(length % Block);
                    Assert.All(output.Samples.AsSpan(tail == 0 ? Block : tail).ToArray(), s => Assert.Equal(0f, s));
                }

                blocksAfterEnd++;
            }
        }

        Assert.True(((IFiniteSource)reader).IsFinite);
        NodeEvent end = Assert.Single(sink.Events, e => e.Kind == NodeEventKind.EndOfStream);
        Assert.Equal("speech", end.NodeId);
        Assert.Equal(length, end.Value);
        Assert.Equal(length, end.FrameTime);
        Assert.Equal(length, reader.FramesOutput);
        Assert.Equal(0, sink.Count(NodeEventKind.Underflow));
    }

    [Fact]
    public void Realtime_underflow_outputs_silence_and_is_counted_once_per_block()
    {
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("r");
        // Prepared but not started: the disk thread never fills the ring, the starkest starvation.
        using FileReaderNode reader = NodeHarness.PreparedReader(
            new FileReaderParameters { Path = TestAudio.FrontCenterWav }, Block, events, offline: false, start: false);
        var output = new AudioBuffer(1, Block);
        var outputs = new[] { output };

        for (int i = 0; i < 10; i++)
        {
            output.Samples.AsSpan().Fill(0.5f);
            reader.Process(new ProcessContext(Block, i * Block, 48000, [], outputs, events, offline: false));
            Assert.All(output.Samples, s => Assert.Equal(0f, s));
        }

        Assert.Equal(10, reader.Underflows);
        NodeEvent[] underflows = sink.Events.Where(e => e.Kind == NodeEventKind.Underflow).ToArray();
        Assert.Equal(10, underflows.Length);
        Assert.All(underflows, e => Assert.Equal(Block, e.Value));
        Assert.False(reader.HasEnded);
    }

    [Fact]
    public void Realtime_start_primes_the_ring_so_the_first_blocks_do_not_underflow()
    {
        var sink = new RecordingEventSink();
        using FileReaderNode reader = NodeHarness.PreparedReader(new FileReaderParameters { Path = TestAudio.SpeechWav }, Block, sink.Writer("r"), offline: false);

        float[] first = NodeHarness.ReadAll(reader, 1, Block, offline: false, 100 * Block, sink.Writer("r"));

        Assert.Equal(100 * Block, first.Length);
        Assert.Equal(0, reader.Underflows);
    }

    [Fact]
    public void Declared_output_has_the_file_channel_count()
    {
        string dir = RepoPaths.NewTempDir("file-reader");
        string stereo = NodeHarness.Sox(dir, "stereo.wav", $"\"{TestAudio.FrontCenterWav}\"", "remix 1 1v-0.5");
        var parameters = new FileReaderParameters { Path = stereo };
        var ports = new PortLayout();

        parameters.DeclarePorts(ports);

        PortDeclaration output = Assert.Single(ports.Outputs);
        Assert.Equal("out", output.Name);
        Assert.Equal(2, output.Channels.Count);
        Assert.Empty(ports.Inputs);
    }

    [Fact]
    public void Stereo_file_channels_come_out_in_order()
    {
        string dir = RepoPaths.NewTempDir("file-reader");
        string stereo = NodeHarness.Sox(dir, "stereo.wav", $"\"{TestAudio.FrontCenterWav}\"", "remix 1 1v-0.5", "-e floating-point -b 32");
        (float[] expected, int channels, _) = TestAudio.ReadWithSox(stereo);
        Assert.Equal(2, channels);
        var sink = new RecordingEventSink();
        using FileReaderNode reader = NodeHarness.PreparedReader(new FileReaderParameters { Path = stereo }, Block, sink.Writer("r"), offline: true);

        float[] actual = NodeHarness.ReadAll(reader, 2, Block, offline: true, long.MaxValue, sink.Writer("r"));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Missing_file_is_an_error_on_path()
    {
        var parameters = new FileReaderParameters { Path = "/nonexistent/folder/nothing.wav" };

        ParameterError error = Assert.Single(parameters.Validate());

        Assert.Equal("path", error.Parameter);
        Assert.StartsWith("cannot open '/nonexistent/folder/nothing.wav': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("No such file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_audio_is_an_error_on_path()
    {
        string dir = RepoPaths.NewTempDir("file-reader");
        string text = Path.Combine(dir, "notes.wav");
        System.IO.File.WriteAllText(text, "this is not a RIFF file, just text pretending to be one.");

        ParameterError error = Assert.Single(new FileReaderParameters { Path = text }.Validate());

        Assert.Equal("path", error.Parameter);
        Assert.StartsWith($"cannot open '{text}': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_s_past_the_end_is_an_error_on_start_s()
    {
        ParameterError error = Assert.Single(new FileReaderParameters { Path = TestAudio.FrontCenterWav, StartS = 60 }.Validate());

        Assert.Equal("start_s", error.Parameter);
        Assert.Contains("past the end", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_with_the_same_values_are_equal_whether_or_not_validated()
    {
        var validated = new FileReaderParameters { Path = TestAudio.FrontCenterWav, Loop = true };
        Assert.Empty(validated.Validate());
        var fresh = new FileReaderParameters { Path = TestAudio.FrontCenterWav, Loop = true };

        Assert.Equal(fresh, validated);
        Assert.Equal(fresh.GetHashCode(), validated.GetHashCode());
        Assert.NotEqual(fresh, validated with { StartS = 0.5 });
        Assert.Contains("Loop = True", validated.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_with_copy_to_another_path_reads_that_file_header()
    {
        string dir = RepoPaths.NewTempDir("file-reader");
        string stereo = NodeHarness.Sox(dir, "stereo.wav", $"\"{TestAudio.FrontCenterWav}\"", "remix 1 1");
        var mono = new FileReaderParameters { Path = TestAudio.FrontCenterWav };
        Assert.Empty(mono.Validate());
        FileReaderParameters copy = mono with { Path = stereo };
        var ports = new PortLayout();

        copy.DeclarePorts(ports);

        Assert.Equal(2, ports.Outputs[0].Channels.Count);
    }

    private static double Correlation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += a[i] * (double)b[i];
            aa += a[i] * (double)a[i];
            bb += b[i] * (double)b[i];
        }

        return ab / Math.Sqrt(aa * bb);
    }

    private static double Rms(ReadOnlySpan<float> a)
    {
        double sum = 0;
        foreach (float s in a)
        {
            sum += s * (double)s;
        }

        return Math.Sqrt(sum / a.Length);
    }
}
