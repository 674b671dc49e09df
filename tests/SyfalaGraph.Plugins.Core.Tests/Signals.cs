namespace SyfalaGraph.Plugins.Core.Tests;

/// <summary>Test signals.</summary>
internal static class Signals
{
    public static float[] Noise(int frames, int seed, float amplitude = 0.5f)
    {
        var random = new Random(seed);
        var samples = new float[frames];
        for (int i = 0; i < frames; i++)
        {
            samples[i] = (float)(((random.NextDouble() * 2.0) - 1.0) * amplitude);
        }

        return samples;
    }

    public static float[] Constant(int frames, float value)
    {
        var samples = new float[frames];
        Array.Fill(samples, value);
        return samples;
    }

    public static float[] Sine(int frames, double frequencyHz, double sampleRate, double amplitude = 1.0)
    {
        var samples = new float[frames];
        for (int i = 0; i < frames; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin(2.0 * Math.PI * frequencyHz * i / sampleRate));
        }

        return samples;
    }
}
