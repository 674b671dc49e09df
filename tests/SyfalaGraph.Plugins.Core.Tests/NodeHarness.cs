using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Plugins.Core.Tests;

/// <summary>Drives one node by hand, as the engine would: Prepare once, then Process block after block.</summary>
internal sealed class NodeHarness
{
    public NodeHarness(AudioNode node, int[] inputChannels, int[] outputChannels, double sampleRate = 48_000,
        int maxBlockFrames = 64, string nodeId = "node", INodeEventSink? sink = null)
    {
        Node = node;
        SampleRate = sampleRate;
        MaxBlockFrames = maxBlockFrames;
        Events = sink is null ? NodeEventWriter.Null : new NodeEventWriter(nodeId, sink);
        Inputs = Array.ConvertAll(inputChannels, c => new AudioBuffer(c, maxBlockFrames));
        Outputs = Array.ConvertAll(outputChannels, c => new AudioBuffer(c, maxBlockFrames));
        node.Prepare(new PrepareContext(nodeId, sampleRate, maxBlockFrames, inputChannels, outputChannels, Events, Offline: true));
    }

    public AudioNode Node { get; }

    public double SampleRate { get; }

    public int MaxBlockFrames { get; }

    public NodeEventWriter Events { get; }

    public AudioBuffer[] Inputs { get; }

    public AudioBuffer[] Outputs { get; }

    public long FrameTime { get; private set; }

    public void Process(int frames)
    {
        Node.Process(new ProcessContext(frames, FrameTime, SampleRate, Inputs, Outputs, Events, offline: true));
        FrameTime += frames;
    }

    /// <summary>
    /// Runs <paramref name="totalFrames"/> frames in blocks (sizes from <paramref name="blockSizes"/>, cycled),
    /// feeding input port 0..n from <paramref name="inputs"/> ([port][channel][frame]) and returning output
    /// port <paramref name="outputPort"/> as [channel][frame]. <paramref name="beforeBlock"/> runs before each
    /// block with the block's first frame.
    /// </summary>
    public float[][] Run(int totalFrames, float[][][]? inputs = null, int[]? blockSizes = null, int outputPort = 0,
        Action<long>? beforeBlock = null)
    {
        blockSizes ??= [MaxBlockFrames];
        AudioBuffer output = Outputs[outputPort];
        var result = new float[output.Channels][];
        for (int c = 0; c < result.Length; c++)
        {
            result[c] = new float[totalFrames];
        }

        int done = 0;
        for (int b = 0; done < totalFrames; b++)
        {
            int frames = Math.Min(blockSizes[b % blockSizes.Length], totalFrames - done);
            if (inputs is not null)
            {
                for (int p = 0; p < inputs.Length; p++)
                {
                    for (int c = 0; c < inputs[p].Length; c++)
                    {
                        inputs[p][c].AsSpan(done, frames).CopyTo(Inputs[p].GetChannel(c, frames));
                    }
                }
            }

            beforeBlock?.Invoke(done);
            FillWithGarbage(output, frames); // the contract: outputs hold garbage on entry
            Process(frames);
            for (int c = 0; c < result.Length; c++)
            {
                output.GetChannel(c, frames).CopyTo(result[c].AsSpan(done, frames));
            }

            done += frames;
        }

        return result;
    }

    private static void FillWithGarbage(AudioBuffer buffer, int frames)
    {
        for (int c = 0; c < buffer.Channels; c++)
        {
            buffer.GetChannel(c, frames).Fill(float.NaN);
        }
    }
}
