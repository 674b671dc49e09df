using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Dsp.Levels;

namespace SyfalaGraph.Plugins.Core;

/// <summary>
/// Scales a signal (<c>type: gain</c>): <c>out = in × 10^(gain_db/20)</c>, planar float, channels × frames,
/// the same gain on every channel. The initial gain applies exactly from the first frame; a live change
/// ramps linearly over <see cref="GainParameters.SmoothingMs"/> and ends exactly on the new gain.
/// </summary>
[NodeType("gain", typeof(GainParameters), Description = "Scales a signal by gain_db; live changes ramp over smoothing_ms without zipper noise.")]
public sealed class GainNode : AudioNode
{
    private readonly ParameterMailbox<GainParameters> _mailbox = new();
    private readonly GainRamp _ramp = new();
    private GainParameters _parameters;
    private double _sampleRate;

    /// <summary>Creates the node. Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    public GainNode(GainParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
    }

    /// <summary>The linear gain applied to the last processed frame. Written by the audio thread; for tests and diagnostics.</summary>
    public double CurrentGain => _ramp.Current;

    /// <summary>Allocates the ramp buffer and sets the gain, with no ramp. Audio thread: no.</summary>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _sampleRate = context.SampleRate;
        _ramp.Prepare(context.MaxBlockFrames, Decibels.ToLinear(_parameters.GainDb));
    }

    /// <summary>Takes any new <see cref="GainParameters"/> live (posted to the audio thread). Audio thread: no.</summary>
    public override bool TryUpdateParameters(NodeParameters parameters)
    {
        if (parameters is not GainParameters next)
        {
            return false;
        }

        _parameters = next;
        _mailbox.Post(next);
        return true;
    }

    /// <summary>Writes <c>out = in × gain</c> for every channel. Audio thread: yes.</summary>
    public override void Process(in ProcessContext context)
    {
        if (_mailbox.TryTake(out GainParameters? next))
        {
            _ramp.SetTarget(Decibels.ToLinear(next.GainDb), Decibels.MillisecondsToFrames(next.SmoothingMs, _sampleRate));
        }

        int frames = context.Frames;
        _ramp.Advance(frames);
        AudioBuffer input = context.InputBuffer(0);
        AudioBuffer output = context.OutputBuffer(0);
        int channels = Math.Min(input.Channels, output.Channels);
        for (int c = 0; c < channels; c++)
        {
            _ramp.Apply(input.GetChannel(c, frames), output.GetChannel(c, frames));
        }

        for (int c = channels; c < output.Channels; c++)
        {
            output.GetChannel(c, frames).Clear();
        }
    }
}
