namespace SyfalaGraph.Dsp.Levels;

/// <summary>Conversions between decibels and linear amplitude (20·log10). Audio thread: yes.</summary>
public static class Decibels
{
    /// <summary>The level reported for silence (and anything below it), in dB: 1e-10 linear.</summary>
    public const double FloorDb = -200.0;

    /// <summary>Linear amplitude factor of <paramref name="db"/> decibels, computed in double.</summary>
    public static double ToLinear(double db) => Math.Pow(10.0, db / 20.0);

    /// <summary>Level of a linear amplitude in dB, floored at <see cref="FloorDb"/>; NaN stays NaN so a broken signal is not reported as silence.</summary>
    public static double FromLinear(double linear)
    {
        if (double.IsNaN(linear))
        {
            return double.NaN;
        }

        return linear > 0.0 ? Math.Max(FloorDb, 20.0 * Math.Log10(linear)) : FloorDb;
    }

    /// <summary>A duration in milliseconds as a whole number of frames at <paramref name="sampleRate"/> (rounded half away from zero).</summary>
    public static int MillisecondsToFrames(double milliseconds, double sampleRate) =>
        (int)Math.Min(int.MaxValue, Math.Round(milliseconds * sampleRate / 1000.0, MidpointRounding.AwayFromZero));
}
