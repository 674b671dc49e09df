using System.Diagnostics;
using System.Runtime.InteropServices;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Plugins.File.Interop;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Benchmarks.Clocking;

/// <summary>
/// `resampler-compare`: our polyphase resampler against libsamplerate's sinc converters on the job a clock
/// bridge does — stereo, ratio 1.0004 (400 ppm of drift), 64-frame output blocks — measuring CPU time per
/// second of stereo audio (best of 5 runs of 60 s of audio) and THD+N (IEEE 1057 sine fit over 0.5 s) of a
/// 1 kHz and a 15 kHz tone at −6 dBFS.
/// </summary>
internal static unsafe class ResamplerComparison
{
    private const double Ratio = 1.0004;
    private const int Block = 64;
    private const int Rate = 48000;

    public static int Run()
    {
        Console.WriteLine("| converter | CPU per s of stereo (µs) | % of one core | THD+N 1 kHz (dB) | THD+N 15 kHz (dB) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (ResamplerQuality q in Enum.GetValues<ResamplerQuality>())
        {
            var r = new PolyphaseResampler(q);
            Report($"SyfalaGraph polyphase, {q.ToString().ToLowerInvariant()} ({r.Taps} taps)", (input, seconds) => Own(r, input, seconds));
        }

        foreach ((string name, int type) in new[] { ("libsamplerate SINC_FASTEST", SampleRate.SRC_SINC_FASTEST), ("libsamplerate SINC_MEDIUM_QUALITY", SampleRate.SRC_SINC_MEDIUM_QUALITY), ("libsamplerate SINC_BEST_QUALITY", SampleRate.SRC_SINC_BEST_QUALITY) })
        {
            Report(name, (input, seconds) => Src(type, input, seconds));
        }

        return 0;
    }

    private static void Report(string name, Func<float[][], double, (float[] Left, double Seconds)> convert)
    {
        double best = double.MaxValue;
        float[][] noise = Input(0, 61);
        for (int i = 0; i < 5; i++)
        {
            best = Math.Min(best, convert(noise, 60).Seconds);
        }

        double cpuPerSecond = best / 60 * 1e6;
        double thd1 = Thd(convert(Input(1000, 3), 2).Left, 1000);
        double thd15 = Thd(convert(Input(15000, 3), 2).Left, 15000);
        Console.WriteLine($"| {name} | {cpuPerSecond:F0} | {cpuPerSecond / 1e4:F3} | {thd1:F1} | {thd15:F1} |");
    }

    private static double Thd(float[] output, double hz)
    {
        float[] tail = output[^24000..];
        return ToneAnalysis.ThdPlusNoiseDb(tail, hz / Rate * Ratio);
    }

    private static float[][] Input(double hz, double seconds)
    {
        var rng = new Random(1);
        var channels = new float[2][];
        for (int c = 0; c < 2; c++)
        {
            channels[c] = new float[(int)(seconds * Rate)];
            for (int i = 0; i < channels[c].Length; i++)
            {
                channels[c][i] = hz == 0 ? (float)(rng.NextDouble() - 0.5) : (float)(0.5 * Math.Sin(2 * Math.PI * hz * i / Rate));
            }
        }

        return channels;
    }

    private static (float[], double) Own(PolyphaseResampler r, float[][] input, double seconds)
    {
        int blocks = (int)(seconds * Rate / Block);
        var left = new float[blocks * Block];
        var right = new float[Block];
        double pos = r.HalfLength;
        var watch = Stopwatch.StartNew();
        for (int b = 0; b < blocks; b++)
        {
            r.Interpolate(input[0], pos, Ratio, left.AsSpan(b * Block, Block));
            pos = r.Interpolate(input[1], pos, Ratio, right);
        }

        return (left, watch.Elapsed.TotalSeconds);
    }

    private static (float[], double) Src(int type, float[][] input, double seconds)
    {
        int blocks = (int)(seconds * Rate / Block);
        var interleavedIn = new float[input[0].Length * 2];
        for (int i = 0; i < input[0].Length; i++)
        {
            interleavedIn[2 * i] = input[0][i];
            interleavedIn[(2 * i) + 1] = input[1][i];
        }

        var outBlock = new float[Block * 2];
        var left = new float[blocks * Block];
        int error;
        SampleRate.EnsureLoaded();
        nint state = SampleRate.New(type, 2, &error);
        long consumed = 0;
        var watch = Stopwatch.StartNew();
        fixed (float* pin = interleavedIn)
        fixed (float* pout = outBlock)
        {
            int produced = 0;
            while (produced < left.Length)
            {
                var data = new SrcData
                {
                    DataIn = pin + (consumed * 2),
                    DataOut = pout,
                    InputFrames = new CLong((nint)Math.Min(Block * 2, (interleavedIn.Length / 2) - consumed)),
                    OutputFrames = new CLong(Math.Min(Block, left.Length - produced)),
                    SrcRatio = 1 / Ratio, // output rate / input rate
                };
                _ = SampleRate.Process(state, &data);
                consumed += (long)data.InputFramesUsed.Value;
                int got = (int)data.OutputFramesGen.Value;
                for (int i = 0; i < got; i++)
                {
                    left[produced + i] = outBlock[2 * i];
                }

                produced += got;
            }
        }

        double elapsed = watch.Elapsed.TotalSeconds;
        SampleRate.Delete(state);
        return (left, elapsed);
    }
}
