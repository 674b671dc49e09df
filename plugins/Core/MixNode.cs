using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Dsp.Levels;

namespace SyfalaGraph.Plugins.Core;

/// <summary>
/// Sums inputs <c>in0</c>.. into <c>out</c> (<c>type: mix</c>), each times its own gain: planar float,
/// output channels × frames. An input with as many channels as the output is mixed channel for channel;
/// a mono input is spread to every output channel; an input with no channels (nothing linked) is ignored.
/// Per-input gains change live with a linear ramp, like <see cref="GainNode"/>.
/// </summary>
/// <remarks>The output buffer must not alias any input other than <c>in0</c>.</remarks>
[NodeType("mix", typeof(MixParameters), Description = "Sums several inputs with a gain per input; mono inputs are spread to every output channel.")]
public sealed class MixNode : AudioNode
{
    private readonly ParameterMailbox<MixParameters> _mailbox = new();
    private MixParameters _parameters;
    private GainRamp[] _ramps = [];
    private int[] _inputChannels = [];
    private double _sampleRate;

    /// <summary>Creates the node. Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    public MixNode(MixParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
    }

    /// <summary>The linear gain of input <paramref name="input"/> at the last processed frame (after <see cref="Prepare"/>). For tests and diagnostics.</summary>
    public double CurrentGain(int input) => _ramps[input].Current;

    /// <summary>
    /// Checks every input's channel count against the output's and allocates the gain ramps. Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">An input has neither 1 nor the output's channel count.</exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        MixParameters p = _parameters;
        int outputChannels = context.OutputChannels[0];
        int inputs = context.InputChannels.Count;
        if (inputs != p.Inputs)
        {
            throw new NodeException($"mix declares {p.Inputs} inputs but was prepared with {inputs}");
        }

        _inputChannels = new int[inputs];
        _ramps = new GainRamp[inputs];
        for (int i = 0; i < inputs; i++)
        {
            int channels = context.InputChannels[i];
            if (channels != 0 && channels != 1 && channels != outputChannels)
            {
                throw new NodeException(
                    $"mix input in{i} has {channels} channels but the output has {outputChannels}: link a signal with " +
                    $"{outputChannels} channels or a mono one (spread to every output channel), or set the output's 'channels' parameter");
            }

            _inputChannels[i] = channels;
            _ramps[i] = new GainRamp();
            _ramps[i].Prepare(context.MaxBlockFrames, Decibels.ToLinear(p.GainDbOf(i)));
        }

        _sampleRate = context.SampleRate;
    }

    /// <summary>
    /// Takes new gains and smoothing live; returns false — recreate the node — when the number of inputs or
    /// the output channel count changed. Audio thread: no.
    /// </summary>
    public override bool TryUpdateParameters(NodeParameters parameters)
    {
        if (parameters is not MixParameters next || next.Inputs != _parameters.Inputs || next.Channels != _parameters.Channels)
        {
            return false;
        }

        _parameters = next;
        _mailbox.Post(next);
        return true;
    }

    /// <summary>Writes <c>out[c] = Σ in_i[c or 0] × gain_i</c>. Audio thread: yes.</summary>
    public override void Process(in ProcessContext context)
    {
        GainRamp[] ramps = _ramps;
        int[] inputChannels = _inputChannels;
        int frames = context.Frames;
        if (_mailbox.TryTake(out MixParameters? next))
        {
            int rampFrames = Decibels.MillisecondsToFrames(next.SmoothingMs, _sampleRate);
            for (int i = 0; i < ramps.Length; i++)
            {
                ramps[i].SetTarget(Decibels.ToLinear(next.GainDbOf(i)), rampFrames);
            }
        }

        for (int i = 0; i < ramps.Length; i++)
        {
            ramps[i].Advance(frames);
        }

        AudioBuffer output = context.OutputBuffer(0);
        for (int c = 0; c < output.Channels; c++)
        {
            Span<float> destination = output.GetChannel(c, frames);
            bool written = false;
            for (int i = 0; i < ramps.Length; i++)
            {
                int channels = inputChannels[i];
                if (channels == 0)
                {
                    continue;
                }

                ReadOnlySpan<float> source = context.Input(i, channels == 1 ? 0 : c);
                if (written)
                {
                    ramps[i].ApplyAdd(source, destination);
                }
                else
                {
                    ramps[i].Apply(source, destination);
                    written = true;
                }
            }

            if (!written)
            {
                destination.Clear();
            }
        }
    }
}
