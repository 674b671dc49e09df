using BenchmarkDotNet.Attributes;
using SyfalaGraph.Dsp.Formats;

namespace SyfalaGraph.Benchmarks.Formats;

/// <summary>
/// Planar float32 ↔ interleaved wire samples, 2 channels × 4096 frames, per sample format (the Syfala wire's twelve and RTP's big-endian three), next to a plain copy of
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

    [Params(SampleFormat.U8, SampleFormat.I8, SampleFormat.U16, SampleFormat.I16, SampleFormat.U24, SampleFormat.I24,
            SampleFormat.U32, SampleFormat.I32, SampleFormat.U64, SampleFormat.I64, SampleFormat.F32, SampleFormat.F64,
            SampleFormat.I16BigEndian, SampleFormat.I24BigEndian, SampleFormat.I32BigEndian)]
    public SampleFormat Type { get; set; }

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
