using SyfalaGraph.Dsp.Formats;

namespace SyfalaGraph.Dsp.Tests.Formats;

/// <summary>
/// The vector kernels must give the same bits as the scalar ones, on random and adversarial inputs (NaN, ±∞,
/// ±0, exact halves, values just inside and outside full scale), for every length around the vector widths.
/// </summary>
[Trait("Category", "Conversion")]
public sealed class VectorScalarEquivalenceTests
{
    public static TheoryData<SampleFormat> AllTypes => [.. Enum.GetValues<SampleFormat>()];

    private static float[] AdversarialFloats(int count, int seed)
    {
        var random = new Random(seed);
        float[] specials =
        [
            float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1f, -1f,
            0.99999994f, -0.99999994f, 1.0000001f, -1.0000001f, 0.5f / 32768, 1.5f / 32768, -0.5f / 32768,
            0.5f / 8388608, 2.5f / 8388608, 0.5f / 128, float.Epsilon, float.MaxValue, float.MinValue, 1e-30f,
        ];
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = (i % 5) switch
            {
                0 => specials[random.Next(specials.Length)],
                1 => BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue)),
                2 => (float)((random.NextDouble() * 4) - 2),
                3 => (random.Next(-40000, 40000) + 0.5f) / 32768, // exact halves of an I16 LSB
                _ => (float)((random.NextDouble() * 2) - 1),
            };
        }

        return x;
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Vector_and_scalar_encoders_write_identical_bytes(SampleFormat type)
    {
        for (int n = 0; n < 70; n++)
        {
            Check(AdversarialFloats(n, n));
        }

        Check(AdversarialFloats(100_003, 99));

        void Check(float[] x)
        {
            int bytes = x.Length * type.BytesPerSample();
            var scalar = new byte[bytes];
            var vector = new byte[bytes];
            SampleFormatConverter.EncodeRun(type, x, scalar, vector: false);
            SampleFormatConverter.EncodeRun(type, x, vector, vector: true);
            Assert.Equal(scalar, vector);
        }
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Vector_and_scalar_decoders_write_identical_floats(SampleFormat type)
    {
        var random = new Random(5);
        for (int n = 0; n < 70; n++)
        {
            Check(n);
        }

        Check(100_003);

        void Check(int n)
        {
            var wire = new byte[n * type.BytesPerSample()];
            random.NextBytes(wire);
            var scalar = new float[n];
            var vector = new float[n];
            SampleFormatConverter.DecodeRun(type, wire, scalar, vector: false);
            SampleFormatConverter.DecodeRun(type, wire, vector, vector: true);
            Assert.Equal(scalar.Select(BitConverter.SingleToInt32Bits), vector.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [InlineData(SampleFormat.I16, 2)]
    [InlineData(SampleFormat.I24, 2)]
    [InlineData(SampleFormat.F32, 2)]
    [InlineData(SampleFormat.I32, 3)]
    [InlineData(SampleFormat.U8, 2)]
    public void Vector_and_scalar_interleaving_agree(SampleFormat type, int channels)
    {
        foreach (int frames in new[] { 0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 511, 512, 513, 4096 })
        {
            int stride = frames + 5;
            float[] planar = AdversarialFloats(channels * stride, frames);
            int bytes = SampleFormatConverter.GetByteCount(type, channels, frames);
            var scalar = new byte[bytes];
            var vector = new byte[bytes];
            SampleFormatConverter.EncodeCore(type, planar, stride, channels, frames, scalar, vector: false);
            SampleFormatConverter.EncodeCore(type, planar, stride, channels, frames, vector, vector: true);
            Assert.Equal(scalar, vector);

            var backScalar = new float[channels * stride];
            var backVector = new float[channels * stride];
            SampleFormatConverter.DecodeCore(type, scalar, channels, frames, backScalar, stride, vector: false);
            SampleFormatConverter.DecodeCore(type, scalar, channels, frames, backVector, stride, vector: true);
            Assert.Equal(backScalar.Select(BitConverter.SingleToInt32Bits), backVector.Select(BitConverter.SingleToInt32Bits));
        }
    }
}
