using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;

namespace SyfalaGraph.Examples.Invert;

/// <summary>
/// <c>type: example.invert</c>: <c>out = in × scale</c> on every channel (version 2, built with
/// <c>-p:ExampleVersion=2</c>: <c>out = in × scale × 2</c>). A live change of <c>scale</c> applies from
/// the next block.
/// </summary>
[NodeType("example.invert", typeof(InvertParameters), Description = Summary)]
public sealed class InvertNode : AudioNode
{
#if EXAMPLE_V2
    private const string Summary = "Example plugin, version 2: out = in × scale × 2.";
    private const double VersionFactor = 2.0;
#else
    private const string Summary = "Example plugin: out = in × scale (default -1 inverts the polarity).";
    private const double VersionFactor = 1.0;
#endif

    // Written off the audio thread by TryUpdateParameters, taken by Process at the start of a block.
    private readonly ParameterMailbox<InvertParameters> _mailbox = new();
    private float _factor;

    /// <summary>Creates the node with its validated parameters (from the graph file). Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    public InvertNode(InvertParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _factor = (float)(parameters.Scale * VersionFactor);
    }

    /// <summary>The factor applied to the last block (scale, or scale × 2 in version 2). For tests.</summary>
    public float Factor => _factor;

    /// <summary>Nothing to allocate: the node has no state but its factor. Audio thread: no.</summary>
    public override void Prepare(PrepareContext context) => ArgumentNullException.ThrowIfNull(context);

    /// <summary>Takes a new <c>scale</c> live: posted here, applied by <see cref="Process"/> at the next block. Audio thread: no.</summary>
    public override bool TryUpdateParameters(NodeParameters parameters)
    {
        if (parameters is not InvertParameters next)
        {
            return false;
        }

        _mailbox.Post(next);
        return true;
    }

    /// <summary>Writes <c>out = in × factor</c> for every channel. Audio thread: yes (no allocation, lock or blocking).</summary>
    public override void Process(in ProcessContext context)
    {
        if (_mailbox.TryTake(out InvertParameters? next))
        {
            _factor = (float)(next.Scale * VersionFactor);
        }

        int inputChannels = context.InputBuffer(0).Channels;
        int outputChannels = context.OutputBuffer(0).Channels;
        for (int c = 0; c < outputChannels; c++)
        {
            Span<float> output = context.Output(0, c);
            if (c >= inputChannels)
            {
                output.Clear(); // every output frame must be written
                continue;
            }

            ReadOnlySpan<float> input = context.Input(0, c);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = input[i] * _factor;
            }
        }
    }
}
