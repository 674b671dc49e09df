using System.Diagnostics;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.File.Tests;

/// <summary>Timing tests run alone, so that other tests' threads do not skew them on small machines.</summary>
[Collection(nameof(SerialTests))]
public sealed class ThroughputTests(ITestOutputHelper output)
{
    private const int Block = 64;

    [Fact]
    public void Offline_render_of_a_long_stereo_file_is_far_faster_than_real_time()
    {
        string dir = RepoPaths.NewTempDir("file-speed");
        const int seconds = 60;
        string source = NodeHarness.Sox(dir, "long.wav", $"-n -r 48000 -c 2 -b 16", $"synth {seconds} sine 440 sine 660 gain -6");
        string target = Path.Combine(dir, "copy.wav");
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("n");

        var clock = Stopwatch.StartNew();
        long frames;
        using (FileReaderNode reader = NodeHarness.PreparedReader(new FileReaderParameters { Path = source }, Block, events, offline: true))
        using (FileWriterNode writer = NodeHarness.PreparedWriter(new FileWriterParameters { Path = target }, 2, Block, events, offline: true))
        {
            frames = NodeHarness.Render(reader, writer, 2, Block, events);
            reader.Stop();
            writer.Stop();
        }

        clock.Stop();
        double realTime = seconds / clock.Elapsed.TotalSeconds;
        output.WriteLine($"offline reader+writer, {seconds} s stereo 48 kHz s16 -> s24 in {Block}-frame blocks: {clock.Elapsed.TotalMilliseconds:0} ms = {realTime:0}x real time");
        Assert.Equal(seconds * 48000L, frames);
        Assert.Equal(frames, NodeHarness.SoxiFrames(target));
        Assert.True(realTime > 20, $"only {realTime:0.0}x real time");
    }
}

/// <summary>Tests in this collection run after the parallel ones, one at a time.</summary>
[CollectionDefinition(nameof(SerialTests), DisableParallelization = true)]
public sealed class SerialTests;
