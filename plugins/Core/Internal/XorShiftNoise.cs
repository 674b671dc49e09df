namespace SyfalaGraph.Plugins.Core.Internal;

/// <summary>
/// xorshift64* (Vigna 2016): a fast, allocation-free generator, plenty for test noise (not for
/// cryptography). A mutable struct: keep it in a field and call it through that field. Audio thread: yes.
/// </summary>
internal struct XorShiftNoise
{
    private ulong _state;

    /// <summary>Seeds the generator; a zero seed (the one state xorshift cannot leave) is replaced.</summary>
    public XorShiftNoise(ulong seed) => _state = seed != 0 ? seed : 0x9E3779B97F4A7C15UL;

    /// <summary>A stable seed from a node id (FNV-1a 64; string.GetHashCode is randomised per process).</summary>
    public static ulong SeedFrom(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char ch in text)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>The next sample, uniform in [-1, 1) with 24-bit resolution (exact in float).</summary>
    public float NextSample()
    {
        ulong x = _state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _state = x;
        ulong r = x * 0x2545F4914F6CDD1DUL;
        return ((int)(r >> 40) * (1f / 8388608f)) - 1f;
    }
}
