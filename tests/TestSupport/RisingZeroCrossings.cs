namespace SyfalaGraph.Tests;

/// <summary>Counts rising zero crossings of a tone (linearly interpolated) to measure its frequency.</summary>
internal sealed class RisingZeroCrossings
{
    private float _previous;
    private double _first = -1;
    private double _last = -1;
    private long _count;

    /// <summary>Frequency in cycles per sample between the first and last crossing seen.</summary>
    public double CyclesPerSample => _count / (_last - _first);

    /// <summary>Feeds sample number <paramref name="index"/>; <paramref name="measure"/> false only tracks the previous sample.</summary>
    public void Add(float sample, long index, bool measure = true)
    {
        if (measure && _previous < 0 && sample >= 0)
        {
            double at = index - 1 + (_previous / (double)(_previous - sample));
            if (_first < 0)
            {
                _first = at;
            }
            else
            {
                _count++;
            }

            _last = at;
        }

        _previous = sample;
    }
}
