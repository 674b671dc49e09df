using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Examples.MinimalGain;

/// <summary><c>type: example.half</c>: <c>out = in × 0.5</c> (-6 dB) on every channel; no parameters.</summary>
[NodeType("example.half", Description = "Minimal plugin: out = in × 0.5.")]
public sealed class HalfGainNode : AudioNode
{
    /// <summary>Writes half of every input sample to the output. Audio thread: yes.</summary>
    public override void Process(in ProcessContext context)
    {
        for (int c = 0; c < context.OutputChannels(0); c++)
        {
            ReadOnlySpan<float> input = context.Input(0, c);
            Span<float> output = context.Output(0, c);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = input[i] * 0.5f;
            }
        }
    }
}
