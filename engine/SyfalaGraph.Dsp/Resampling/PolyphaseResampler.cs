using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SyfalaGraph.Dsp.Resampling;

// Design: a variable-ratio interpolator in the manner of zita-resampler's VResampler (F. Adriaensen): one
// Kaiser-windowed sinc sampled at Phases + 1 fractional offsets, each row normalised to unity DC gain; an
// output sample at fractional input position p = i + f is the dot product of the Taps inputs around i with
// the two rows that bracket f, interpolated linearly between them. Linear interpolation between 256 rows
// errs by about (1/256)^2/8 times the kernel's curvature, below −120 dB for content under 0.4 × rate.
// The filter is symmetric about rate/2 (passband edge fp, stopband edge 1 − fp) so images of anything in
// the passband land in the stopband; at the near-unity ratios of drift compensation nothing else matters.
// Converting to a lower rate (a step s > 1 input samples per output) the same kernel is stretched by s —
// sinc(t / s) under a window s times wider, so s times more taps — which puts its cutoff at the OUTPUT's
// half rate: content the output cannot carry is filtered out instead of aliasing (the textbook band-limited
// interpolation of J. O. Smith, "Digital Audio Resampling", and what libsamplerate and zita-resampler do).
// Converting to a higher rate needs no change: the input's own half rate is the lower one.
// The kernel is the only hot loop: two dot products of Taps floats per output sample, vectorised with
// Vector<T>, with a scalar path for machines without SIMD (tests run both).

/// <summary>
/// A polyphase windowed-sinc interpolator for one channel at a time: ratios close to 1 (clock-drift
/// compensation), and nominal rate conversions (44.1 ↔ 48 kHz…) when built with their step. Stateless apart
/// from its immutable filter table; the caller keeps the input history and the fractional read position.
/// Thread-safe for concurrent use of <see cref="Interpolate"/>.
/// </summary>
public sealed class PolyphaseResampler
{
    /// <summary>Fractional offsets sampled in the filter table.</summary>
    public const int Phases = 256;

    private readonly float[] _table;

    /// <summary>Builds the filter table for <paramref name="quality"/> (allocates; not on the audio thread).</summary>
    /// <param name="quality">Filter length and passband.</param>
    /// <param name="maxStep">
    /// The largest step (input samples per output sample) it will run at. Above 1 (conversion to a lower rate) the
    /// cutoff moves down to the output's half rate and the filter grows by the same factor; 1 or less changes nothing.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An unknown quality, or a step that is not positive or above 16.</exception>
    public PolyphaseResampler(ResamplerQuality quality, double maxStep = 1)
    {
        (int baseTaps, double beta, double passband) = Design(quality);
        if (!(maxStep > 0 && maxStep <= 16))
        {
            throw new ArgumentOutOfRangeException(nameof(maxStep), maxStep, "the step must be above 0 and at most 16");
        }

        Quality = quality;
        Stretch = Math.Max(1, maxStep);
        Taps = TapsFor(baseTaps, Stretch);
        PassbandEdge = passband;
        _table = BuildTable(Taps, beta, Stretch);
    }

    /// <summary>The filter's quality setting.</summary>
    public ResamplerQuality Quality { get; }

    /// <summary>Filter length in input samples (even; a multiple of 8 when stretched).</summary>
    public int Taps { get; }

    /// <summary>Half the filter length: input samples needed on each side of a read position.</summary>
    public int HalfLength => Taps / 2;

    /// <summary>Upper edge of the flat passband, as a fraction of the lower of the two sample rates' half rate.</summary>
    public double PassbandEdge { get; }

    /// <summary>How much the kernel is stretched (≥ 1): the step it was built for when above 1.</summary>
    public double Stretch { get; }

    /// <summary>
    /// <see cref="HalfLength"/> of a resampler built with these arguments, without building it, in input samples.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown quality.</exception>
    public static int HalfLengthFor(ResamplerQuality quality, double maxStep = 1) =>
        TapsFor(Design(quality).Taps, Math.Max(1, maxStep)) / 2;

    private static (int Taps, double Beta, double Passband) Design(ResamplerQuality quality) => quality switch
    {
        ResamplerQuality.Low => (16, 7.86, 0.333),
        ResamplerQuality.Medium => (32, 10.06, 0.397),
        ResamplerQuality.High => (64, 12.26, 0.438),
        _ => throw new ArgumentOutOfRangeException(nameof(quality), quality, "unknown resampler quality"),
    };

    // Unstretched: the design's length. Stretched: that times the stretch, rounded up to a multiple of 8 so the
    // vector path still applies.
    private static int TapsFor(int baseTaps, double stretch) =>
        stretch <= 1 ? baseTaps : (int)Math.Ceiling(baseTaps * stretch / 8) * 8;

    /// <summary>
    /// Computes <paramref name="output"/>.Length samples at input positions <paramref name="position"/>,
    /// <paramref name="position"/> + <paramref name="step"/>, … Position 0 is <paramref name="input"/>[0]; every
    /// position p needs input[floor(p) − HalfLength + 1 .. floor(p) + HalfLength]. Audio thread: yes (no allocation).
    /// </summary>
    /// <param name="input">One channel of input samples (history included).</param>
    /// <param name="position">Input position of the first output sample, in samples.</param>
    /// <param name="step">Input samples per output sample (input rate / output rate, times 1 + drift).</param>
    /// <param name="output">Where the samples go.</param>
    /// <returns>The input position of the sample after the last one written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A position needs input outside <paramref name="input"/>.</exception>
    public double Interpolate(ReadOnlySpan<float> input, double position, double step, Span<float> output)
    {
        int hl = HalfLength;
        if (output.Length > 0)
        {
            double last = position + ((output.Length - 1) * step);
            if (Math.Floor(Math.Min(position, last)) - hl + 1 < 0 || Math.Floor(Math.Max(position, last)) + hl >= input.Length)
            {
                ThrowOutOfInput();
            }
        }

        return Run(input, position, step, output, Vector.IsHardwareAccelerated && Taps % Vector<float>.Count == 0);
    }

    /// <summary>Same as <see cref="Interpolate"/> on the scalar path (for tests of both paths).</summary>
    internal double InterpolateScalar(ReadOnlySpan<float> input, double position, double step, Span<float> output) =>
        Run(input, position, step, output, vector: false);

    private double Run(ReadOnlySpan<float> input, double position, double step, Span<float> output, bool vector)
    {
        int hl = HalfLength;
        ref float x0 = ref MemoryMarshal.GetReference(input);
        ref float t0 = ref MemoryMarshal.GetArrayDataReference(_table);
        for (int j = 0; j < output.Length; j++)
        {
            double p = position + (j * step);
            int i = (int)p;
            double phase = (p - i) * Phases;
            int row = (int)phase;
            float t = (float)(phase - row);
            ref float x = ref Unsafe.Add(ref x0, i - hl + 1);
            ref float c = ref Unsafe.Add(ref t0, row * Taps);
            (float a, float b) = vector ? DotVector(ref x, ref c, Taps) : DotScalar(ref x, ref c, Taps);
            output[j] = a + (t * (b - a));
        }

        return position + (output.Length * step);
    }

    // Dot products of the Taps inputs with row r (c) and row r + 1 (c + Taps).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float, float) DotVector(ref float x, ref float c, int taps)
    {
        var a = Vector<float>.Zero;
        var b = Vector<float>.Zero;
        for (int k = 0; k < taps; k += Vector<float>.Count)
        {
            var xv = Vector.LoadUnsafe(ref x, (nuint)k);
            a += xv * Vector.LoadUnsafe(ref c, (nuint)k);
            b += xv * Vector.LoadUnsafe(ref c, (nuint)(k + taps));
        }

        return (Vector.Sum(a), Vector.Sum(b));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float, float) DotScalar(ref float x, ref float c, int taps)
    {
        float a = 0, b = 0;
        for (int k = 0; k < taps; k++)
        {
            float xv = Unsafe.Add(ref x, k);
            a += xv * Unsafe.Add(ref c, k);
            b += xv * Unsafe.Add(ref c, k + taps);
        }

        return (a, b);
    }

    private static float[] BuildTable(int taps, double beta, double stretch)
    {
        // Row r holds h(r/Phases + hl − 1 − k), k = 0..taps−1: the weights of inputs i − hl + 1 .. i + hl for an
        // output at i + r/Phases. h is a sinc with cutoff at half the input rate divided by the stretch, under a
        // Kaiser window of half-width hl.
        int hl = taps / 2;
        var table = new float[(Phases + 1) * taps];
        double i0Beta = BesselI0(beta);
        for (int r = 0; r <= Phases; r++)
        {
            var row = new double[taps];
            double sum = 0;
            for (int k = 0; k < taps; k++)
            {
                double t = ((double)r / Phases) + hl - 1 - k;
                double w = Math.Abs(t) >= hl ? 0 : BesselI0(beta * Math.Sqrt(1 - ((t / hl) * (t / hl)))) / i0Beta;
                double u = t / stretch;
                double sinc = u == 0 ? 1 : Math.Sin(Math.PI * u) / (Math.PI * u);
                row[k] = sinc * w;
                sum += row[k];
            }

            for (int k = 0; k < taps; k++)
            {
                table[(r * taps) + k] = (float)(row[k] / sum);
            }
        }

        return table;
    }

    private static double BesselI0(double x)
    {
        // Power series; converges fast for the arguments used here (x < 15).
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200 && term > sum * 1e-17; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
        }

        return sum;
    }

    private static void ThrowOutOfInput() =>
        throw new ArgumentOutOfRangeException("position", "the read positions need input samples outside the span given");
}
