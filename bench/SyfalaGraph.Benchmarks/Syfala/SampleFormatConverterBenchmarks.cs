using BenchmarkDotNet.Attributes;
using SyfalaGraph.Plugins.Syfala.Formats;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Benchmarks.Syfala;

/// <summary>
/// Planar float32 ↔ interleaved wire samples, 2 channels × 4096 frames, per sample type, next to a plain copy of
/// the same number of wire bytes (the floor any conversion is measured against). Allocated must stay 0.
/// </summary>
[MemoryDiagnoser]
public class SampleFormatConverterBenchmarks
{
    private const int Channels = 2;
    private const int Frames = 4096;

    private float[] _planar = [];
    private byte[] _wire = [];
    private byte[] _copy = [];

    [Params(SampleType.U8, SampleType.I8, SampleType.U16, SampleType.I16, SampleType.U24, SampleType.I24,
            SampleType.U32, SampleType.I32, SampleType.U64, SampleType.I64, SampleType.F32, SampleType.F64)]
    public SampleType Type { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _planar = new float[Channels * Frames];
        for (int i = 0; i < _planar.Length; i++)
        {
            _planar[i] = (float)((random.NextDouble() * 2) - 1);
        }

        _wire = new byte[SampleFormatConverter.GetByteCount(Type, Channels, Frames)];
        _copy = new byte[_wire.Length];
        SampleFormatConverter.Encode(Type, _planar, Frames, Channels, Frames, _wire);
    }

    /// <summary>Copy of the wire bytes (Span.CopyTo = memmove).</summary>
    [Benchmark(Baseline = true)]
    public void MemoryCopy() => _wire.AsSpan().CopyTo(_copy);

    /// <summary>Planar floats → interleaved wire bytes.</summary>
    [Benchmark]
    public int Encode() => SampleFormatConverter.Encode(Type, _planar, Frames, Channels, Frames, _wire);

    /// <summary>Interleaved wire bytes → planar floats.</summary>
    [Benchmark]
    public int Decode() => SampleFormatConverter.Decode(Type, _wire, Channels, Frames, _planar, Frames);
}
