using System.Numerics.Tensors;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Plugins.Core.Internal;

namespace SyfalaGraph.Plugins.Core;

// Design: one phase accumulator, in cycles, in double precision, shared by every waveform.
//
// - phase advances by frequency / sample rate per frame and is kept in [-1e-9, 1 - 1e-9) by subtracting
//   whole cycles. Subtracting an integer loses no phase information, so the sine stays continuous for
//   any run length and across frequency changes; the tiny negative margin only makes a boundary that
//   accumulated rounding lands a hair below 1.0 count as a wrap on that frame (an impulse train with a
//   period of exactly 100 frames stays on frames 0, 100, 200, ... forever).
// - "wrapped" remembers whether the last advance crossed a period boundary; the impulse waveform emits
//   on those frames, and frame 0 counts as one.
// - Channel 0 is generated at unit amplitude, scaled (a live amplitude change ramps linearly across
//   one block instead of stepping), then copied to the other channels.
// - A live change of waveform/frequency/amplitude arrives through a ParameterMailbox taken at the
//   start of a block; the phase is never reset.

/// <summary>
/// Test-signal generator (<c>type: tone</c>): sine, square, white noise or impulse train on every channel of
/// output <c>out</c> (planar float, <see cref="ToneParameters.Channels"/> × frames). With
/// <see cref="ToneParameters.DurationS"/> set it is a finite source: exactly round(duration_s × rate) frames
/// of signal, then silence, <see cref="HasEnded"/> true and one <see cref="NodeEventKind.EndOfStream"/> event.
/// </summary>
/// <remarks>
/// <see cref="IFiniteSource"/> is implemented by the class, so a tone without a duration is a finite source
/// that never ends (<see cref="IsFinite"/> is false, <see cref="LengthFrames"/> is null).
/// </remarks>
[NodeType("tone", typeof(ToneParameters), Description = "Test-signal generator: sine, square, white noise or impulse train, endless or for a fixed duration.")]
public sealed class ToneNode : AudioNode, IFiniteSource
{
    private const double TwoPi = 2.0 * Math.PI;
    private const double WrapMargin = 1e-9;

    private readonly ParameterMailbox<ToneParameters> _mailbox = new();
    private ToneParameters _parameters;

    // Audio-thread state.
    private Waveform _waveform;
    private double _sampleRate;
    private double _increment;
    private double _phase;
    private bool _wrapped;
    private float _amplitude;
    private float _targetAmplitude;
    private XorShiftNoise _noise;
    private long _lengthFrames = -1;
    private long _framesGenerated;
    private bool _endPublished;
    private int _hasEnded;

    /// <summary>Creates the node. Audio thread: no.</summary>
    /// <param name="parameters">The validated parameters.</param>
    public ToneNode(ToneParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
    }

    /// <summary>True once the last frame of a tone with a duration has been output. Any thread.</summary>
    public bool HasEnded => Volatile.Read(ref _hasEnded) != 0;

    /// <summary>Length in frames at the prepared sample rate when a duration is set (after <see cref="Prepare"/>); null otherwise. Any thread.</summary>
    public long? LengthFrames => _lengthFrames >= 0 ? _lengthFrames : null;

    /// <summary>
    /// True when the tone has a duration and so will end. An endless tone is an <see cref="IFiniteSource"/> only
    /// because a class cannot implement an interface conditionally (see the plugin README). Any thread.
    /// </summary>
    public bool IsFinite => _parameters.DurationS is not null;

    /// <summary>Frames of signal output so far (silence after the end not counted). Written by the audio thread; any thread may read.</summary>
    public long FramesGenerated => Volatile.Read(ref _framesGenerated);

    /// <summary>Resets the oscillator, seeds the noise generator from the node id and computes the length. Audio thread: no.</summary>
    /// <exception cref="NodeException">The sample rate is not positive.</exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!(context.SampleRate > 0))
        {
            throw new NodeException($"tone needs a positive sample rate, got {context.SampleRate} Hz");
        }

        ToneParameters p = _parameters;
        _sampleRate = context.SampleRate;
        _waveform = p.Waveform;
        _increment = p.FrequencyHz / _sampleRate;
        _amplitude = _targetAmplitude = (float)p.Amplitude;
        _phase = 0.0;
        _wrapped = true;
        _noise = new XorShiftNoise(XorShiftNoise.SeedFrom(context.NodeId));
        _lengthFrames = p.DurationS is double seconds
            ? (long)Math.Round(seconds * _sampleRate, MidpointRounding.AwayFromZero)
            : -1;
        _framesGenerated = 0;
        _endPublished = false;
        _hasEnded = 0;
    }

    /// <summary>
    /// Takes new waveform/frequency/amplitude live (the phase continues); returns false — recreate the
    /// node — when the channel count or the duration changed. Audio thread: no.
    /// </summary>
    public override bool TryUpdateParameters(NodeParameters parameters)
    {
        if (parameters is not ToneParameters next
            || next.Channels != _parameters.Channels
            || next.DurationS != _parameters.DurationS)
        {
            return false;
        }

        _parameters = next;
        _mailbox.Post(next);
        return true;
    }

    /// <summary>Writes one block of the signal to every channel of <c>out</c>. Audio thread: yes.</summary>
    public override void Process(in ProcessContext context)
    {
        if (_mailbox.TryTake(out ToneParameters? next))
        {
            _waveform = next.Waveform;
            _increment = next.FrequencyHz / _sampleRate;
            _targetAmplitude = (float)next.Amplitude;
        }

        int frames = context.Frames;
        AudioBuffer output = context.OutputBuffer(0);
        int signalFrames = frames;
        if (_lengthFrames >= 0)
        {
            signalFrames = (int)Math.Clamp(_lengthFrames - _framesGenerated, 0, frames);
        }

        Span<float> first = output.GetChannel(0, frames);
        Span<float> signal = first[..signalFrames];
        Generate(signal);
        Scale(signal);
        first[signalFrames..].Clear();
        Volatile.Write(ref _framesGenerated, _framesGenerated + signalFrames);

        for (int c = 1; c < output.Channels; c++)
        {
            first.CopyTo(output.GetChannel(c, frames));
        }

        if (_lengthFrames >= 0 && !_endPublished && _framesGenerated >= _lengthFrames)
        {
            _endPublished = true;
            Volatile.Write(ref _hasEnded, 1);
            context.Events.Publish(NodeEventKind.EndOfStream, _lengthFrames, context.FrameTime + signalFrames);
        }
    }

    private void Generate(Span<float> destination)
    {
        double phase = _phase;
        double increment = _increment;
        bool wrapped = _wrapped;
        switch (_waveform)
        {
            case Waveform.Sine:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)Math.Sin(TwoPi * phase);
                    Advance(ref phase, ref wrapped, increment);
                }

                break;
            case Waveform.Square:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = phase < 0.5 ? 1f : -1f;
                    Advance(ref phase, ref wrapped, increment);
                }

                break;
            case Waveform.Impulse:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = wrapped ? 1f : 0f;
                    Advance(ref phase, ref wrapped, increment);
                }

                break;
            default:
                // The phase keeps running under noise, so switching back to a periodic waveform stays in time.
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = _noise.NextSample();
                    Advance(ref phase, ref wrapped, increment);
                }

                break;
        }

        _phase = phase;
        _wrapped = wrapped;
    }

    private static void Advance(ref double phase, ref bool wrapped, double increment)
    {
        phase += increment;
        wrapped = phase >= 1.0 - WrapMargin;
        if (wrapped)
        {
            phase -= Math.Floor(phase + WrapMargin);
        }
    }

    private void Scale(Span<float> signal)
    {
        if (signal.IsEmpty)
        {
            return;
        }

        float from = _amplitude;
        float to = _targetAmplitude;
        if (from == to)
        {
            TensorPrimitives.Multiply(signal, to, signal);
            return;
        }

        // A live amplitude change ramps across this block (the last frame gets the new amplitude exactly).
        float step = (to - from) / signal.Length;
        for (int i = 0; i < signal.Length - 1; i++)
        {
            signal[i] *= from + (step * (i + 1));
        }

        signal[^1] *= to;
        _amplitude = to;
    }
}
