using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.File.Tests;

/// <summary>Records events in a preallocated array (publishing never allocates), like the engine's queue.</summary>
internal sealed class RecordingEventSink : INodeEventSink
{
    private readonly NodeEvent[] _events = new NodeEvent[8192];
    private int _count;

    public NodeEventWriter Writer(string nodeId) => new(nodeId, this);

    public bool TryPublish(in NodeEvent nodeEvent)
    {
        int index = Interlocked.Increment(ref _count) - 1;
        if (index >= _events.Length)
        {
            return false;
        }

        _events[index] = nodeEvent;
        return true;
    }

    public NodeEvent[] Events => _events.AsSpan(0, Math.Min(Volatile.Read(ref _count), _events.Length)).ToArray();

    public int Count(NodeEventKind kind) => Events.Count(e => e.Kind == kind);
}

/// <summary>Drives nodes by hand the way the engine does: Prepare, Start, Process blocks, Stop, Dispose.</summary>
internal static class NodeHarness
{
    public const double Rate = 48000;

    public static PrepareContext Context(string id, int block, int[] inputs, int[] outputs, NodeEventWriter events, bool offline, double rate = Rate) =>
        new(id, rate, block, inputs, outputs, events, offline);

    /// <summary>Runs a reader block by block until it ends (or <paramref name="maxFrames"/>); returns the file frames it output, interleaved.</summary>
    public static float[] ReadAll(FileReaderNode reader, int channels, int block, bool offline, long maxFrames, NodeEventWriter events, double rate = Rate)
    {
        var output = new AudioBuffer(channels, block);
        var outputs = new[] { output };
        var samples = new List<float>();
        long frameTime = 0;
        while (!reader.HasEnded && frameTime < maxFrames)
        {
            int frames = (int)Math.Min(block, maxFrames - frameTime);
            long before = reader.FramesOutput;
            reader.Process(new ProcessContext(frames, frameTime, rate, [], outputs, events, offline));
            int got = (int)(reader.FramesOutput - before);
            for (int f = 0; f < got; f++)
            {
                for (int c = 0; c < channels; c++)
                {
                    samples.Add(output.Samples[(c * block) + f]);
                }
            }

            frameTime += frames;
        }

        return [.. samples];
    }

    /// <summary>
    /// Offline render reader -> writer, block by block, until the reader ends; the last block handed to the
    /// writer holds only the file frames (so lengths can be compared exactly). Returns frames rendered.
    /// </summary>
    public static long Render(FileReaderNode reader, FileWriterNode writer, int channels, int block, NodeEventWriter events, bool offline = true)
    {
        var buffer = new AudioBuffer(channels, block);
        var buffers = new[] { buffer };
        long frameTime = 0;
        while (!reader.HasEnded)
        {
            long before = reader.FramesOutput;
            reader.Process(new ProcessContext(block, frameTime, Rate, [], buffers, events, offline));
            int got = (int)(reader.FramesOutput - before);
            if (got > 0)
            {
                writer.Process(new ProcessContext(got, frameTime, Rate, buffers, [], events, offline));
            }

            frameTime += block;
        }

        return reader.FramesOutput;
    }

    public static FileReaderNode PreparedReader(FileReaderParameters parameters, int block, NodeEventWriter events, bool offline, double rate = Rate, bool start = true)
    {
        Assert.Empty(parameters.Validate());
        var ports = new Abstractions.Ports.PortLayout();
        parameters.DeclarePorts(ports);
        var reader = new FileReaderNode(parameters);
        reader.Prepare(Context("reader", block, [], [ports.Outputs[0].Channels.Count], events, offline, rate));
        if (start)
        {
            reader.Start();
        }

        return reader;
    }

    public static FileWriterNode PreparedWriter(FileWriterParameters parameters, int channels, int block, NodeEventWriter events, bool offline)
    {
        Assert.Empty(parameters.Validate());
        var writer = new FileWriterNode(parameters);
        writer.Prepare(Context("writer", block, [channels], [], events, offline));
        writer.Start();
        return writer;
    }

    /// <summary>Makes a test file with sox from <paramref name="soxArguments"/> (input and effects around the output path).</summary>
    public static string Sox(string dir, string name, string input, string effects = "", string outputOptions = "")
    {
        string path = Path.Combine(dir, name);
        TestAudio.Run("sox", $"{input} {outputOptions} \"{path}\" {effects}");
        return path;
    }

    public static long SoxiFrames(string path) => long.Parse(TestAudio.Run("soxi", $"-s \"{path}\"").Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
