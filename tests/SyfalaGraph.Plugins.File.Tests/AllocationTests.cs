using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.File.Tests;

public sealed class AllocationTests(ITestOutputHelper output)
{
    private const int Block = 64;
    private const int Blocks = 2000;

    [Fact]
    public void Reader_process_and_disk_thread_allocate_nothing_after_warm_up()
    {
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("r");
        // A 0.3 s, 22.05 kHz clip in a 48 kHz graph, looping: decode, resample and wrap all run in the measured window.
        string clip = NodeHarness.Sox(RepoPaths.NewTempDir("file-alloc"), "clip.wav", $"\"{TestAudio.SpeechWav}\"", "trim 0.5 0.3");
        using FileReaderNode reader = NodeHarness.PreparedReader(new FileReaderParameters { Path = clip, Loop = true }, Block, events, offline: false);
        var buffer = new AudioBuffer(1, Block);
        var outputs = new[] { buffer };
        RunReader(reader, outputs, events, 0, Blocks); // warm-up (JIT, first P/Invokes, first underflow paths)
        long threadBefore = reader.DecodeThreadAllocatedBytes;

        long before = GC.GetAllocatedBytesForCurrentThread();
        RunReader(reader, outputs, events, Blocks, Blocks);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Thread.Sleep(50); // let the disk thread go round its loop again
        long threadAfter = reader.DecodeThreadAllocatedBytes;
        output.WriteLine($"reader: audio thread {allocated} B, disk thread {threadAfter - threadBefore} B, underflows {reader.Underflows}");
        Assert.Equal(0, allocated);
        Assert.True(threadBefore >= 0, "the disk thread reported no allocation figure");
        Assert.Equal(threadBefore, threadAfter);
        Assert.False(reader.HasEnded);
    }

    [Fact]
    public void Writer_process_and_disk_thread_allocate_nothing_after_warm_up()
    {
        string path = Path.Combine(RepoPaths.NewTempDir("file-alloc"), "alloc.wav");
        var sink = new RecordingEventSink();
        NodeEventWriter events = sink.Writer("w");
        using FileWriterNode writer = NodeHarness.PreparedWriter(new FileWriterParameters { Path = path }, 2, Block, events, offline: false);
        var buffer = new AudioBuffer(2, Block);
        buffer.Samples.AsSpan().Fill(0.25f);
        var inputs = new[] { buffer };
        RunWriter(writer, inputs, events, 0, Blocks);
        Thread.Sleep(50);
        long threadBefore = writer.EncodeThreadAllocatedBytes;

        long before = GC.GetAllocatedBytesForCurrentThread();
        RunWriter(writer, inputs, events, Blocks, Blocks);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Thread.Sleep(50);
        long threadAfter = writer.EncodeThreadAllocatedBytes;
        output.WriteLine($"writer: audio thread {allocated} B, disk thread {threadAfter - threadBefore} B, overflows {writer.Overflows}");
        Assert.Equal(0, allocated);
        Assert.True(threadBefore >= 0, "the disk thread reported no allocation figure");
        Assert.Equal(threadBefore, threadAfter);
        writer.Stop();
        Assert.Equal((2L * Blocks * Block) - writer.DroppedFrames, NodeHarness.SoxiFrames(path));
    }

    private static void RunReader(FileReaderNode reader, AudioBuffer[] outputs, NodeEventWriter events, long firstBlock, int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            reader.Process(new ProcessContext(Block, (firstBlock + b) * Block, 48000, [], outputs, events, offline: false));
            if (b % 32 == 31)
            {
                Thread.Sleep(0); // give the disk thread a chance, as a paced clock would
            }
        }
    }

    private static void RunWriter(FileWriterNode writer, AudioBuffer[] inputs, NodeEventWriter events, long firstBlock, int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            writer.Process(new ProcessContext(Block, (firstBlock + b) * Block, 48000, inputs, [], events, offline: false));
            if (b % 32 == 31)
            {
                Thread.Sleep(0);
            }
        }
    }
}
