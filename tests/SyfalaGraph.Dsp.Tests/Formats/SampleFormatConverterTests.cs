using System.Buffers.Binary;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Formats;

namespace SyfalaGraph.Dsp.Tests.Formats;

/// <summary>
/// Conversion semantics, through the public API (so they exercise whichever path this process uses: vector, or
/// scalar when re-run with DOTNET_EnableHWIntrinsic=0 by <see cref="HardwareIntrinsicsDisabledTests"/>).
/// </summary>
[Trait("Category", "Conversion")]
public sealed class SampleFormatConverterTests
{
    public static TheoryData<SampleFormat> AllTypes => [.. Enum.GetValues<SampleFormat>()];

    public static TheoryData<SampleFormat> NarrowIntegerTypes => [SampleFormat.U8, SampleFormat.I8, SampleFormat.U16, SampleFormat.I16, SampleFormat.U24, SampleFormat.I24];

    private static int Bits(SampleFormat t) => t.BitsPerSample();

    /// <summary>Reads wire sample <paramref name="index"/> as a signed integer (offset removed for unsigned types).</summary>
    private static long ReadSigned(SampleFormat type, ReadOnlySpan<byte> bytes, int index)
    {
        int bps = type.BytesPerSample();
        ReadOnlySpan<byte> s = bytes.Slice(index * bps, bps);
        ulong raw = 0;
        for (int k = 0; k < bps; k++)
        {
            int i = type.IsBigEndian() ? k : bps - 1 - k; // most significant byte first
            raw = (raw << 8) | s[i];
        }

        int bits = bps * 8;
        if (type.IsUnsigned())
        {
            raw ^= 1UL << (bits - 1);
        }

        return bits == 64 ? (long)raw : (long)(raw << (64 - bits)) >> (64 - bits);
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Round_trip_planar_stereo_preserves_channels_and_values(SampleFormat type)
    {
        const int frames = 1037; // not a multiple of any vector width
        var random = new Random(42 + (int)type);
        var planar = new float[2 * frames];
        for (int i = 0; i < planar.Length; i++)
        {
            planar[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var bytes = new byte[SampleFormatConverter.GetByteCount(type, 2, frames)];
        Assert.Equal(bytes.Length, SampleFormatConverter.Encode(type, planar, frames, 2, frames, bytes));
        var back = new float[2 * frames];
        Assert.Equal(bytes.Length, SampleFormatConverter.Decode(type, bytes, 2, frames, back, frames));

        // Half an LSB (round to nearest), a whole one where +1.0 clips to 2^(bits-1) - 1; float types are exact.
        double lsb = type.IsFloatingPoint() ? 0 : Math.Pow(2, -(Bits(type) - 1));
        for (int i = 0; i < planar.Length; i++)
        {
            double tolerance = planar[i] > 1 - lsb ? lsb : lsb / 2;
            Assert.True(Math.Abs(back[i] - planar[i]) <= tolerance, $"{type} sample {i}: {planar[i]} -> {back[i]}");
        }

        // Frame-major interleaving: wire sample 2f + c is channel c of frame f.
        for (int f = 0; f < frames; f += 97)
        {
            for (int c = 0; c < 2; c++)
            {
                var one = new float[1];
                SampleFormatConverter.DecodeSamples(type, bytes.AsSpan(((2 * f) + c) * type.BytesPerSample()), one);
                Assert.Equal(back[(c * frames) + f], one[0]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(NarrowIntegerTypes))]
    public void Every_integer_code_survives_decode_then_encode_exactly(SampleFormat type)
    {
        int bits = Bits(type);
        int count = bits == 24 ? 1 << 17 : 1 << bits; // 24-bit: a spread sample of the codes
        int bps = type.BytesPerSample();
        var bytes = new byte[count * bps];
        for (int i = 0; i < count; i++)
        {
            long code = bits == 24 ? ((long)i * 127) % (1 << 24) : i;
            for (int b = 0; b < bps; b++)
            {
                bytes[(i * bps) + b] = (byte)(code >> (8 * b));
            }
        }

        var floats = new float[count];
        SampleFormatConverter.DecodeSamples(type, bytes, floats);
        var again = new byte[bytes.Length];
        SampleFormatConverter.EncodeSamples(type, floats, again);
        Assert.Equal(bytes, again);
    }

    [Theory]
    [MemberData(nameof(NarrowIntegerTypes))]
    public void Quantisation_is_within_half_an_lsb_and_decoding_is_exact_division(SampleFormat type)
    {
        int bits = Bits(type);
        double full = Math.Pow(2, bits - 1);
        var random = new Random(7);
        var x = new float[4099];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var bytes = new byte[x.Length * type.BytesPerSample()];
        SampleFormatConverter.EncodeSamples(type, x, bytes);
        var back = new float[x.Length];
        SampleFormatConverter.DecodeSamples(type, bytes, back);
        for (int i = 0; i < x.Length; i++)
        {
            long q = ReadSigned(type, bytes, i);
            double expected = Math.Clamp(Math.Round(x[i] * full, MidpointRounding.ToEven), -full, full - 1);
            Assert.Equal(expected, q);
            Assert.Equal((float)(q / full), back[i]);
            Assert.True(Math.Abs(back[i] - x[i]) <= 1 / full, $"{type}: {x[i]} -> {back[i]} (more than 1 LSB)");
        }
    }

    [Theory]
    [InlineData(SampleFormat.I16, 1.0f, 32767)]
    [InlineData(SampleFormat.I16, -1.0f, -32768)]
    [InlineData(SampleFormat.I16, 2.5f, 32767)]
    [InlineData(SampleFormat.I16, -7f, -32768)]
    [InlineData(SampleFormat.I16, float.PositiveInfinity, 32767)]
    [InlineData(SampleFormat.I16, float.NegativeInfinity, -32768)]
    [InlineData(SampleFormat.I16, float.NaN, 0)]
    [InlineData(SampleFormat.I16, 0.5f / 32768, 0)]   // exactly half an LSB: round half to even → 0
    [InlineData(SampleFormat.I16, 1.5f / 32768, 2)]   // 1.5 LSB → 2 (even)
    [InlineData(SampleFormat.I16, -0.5f, -16384)]
    [InlineData(SampleFormat.I8, 1.0f, 127)]
    [InlineData(SampleFormat.I8, -1.0f, -128)]
    [InlineData(SampleFormat.U8, 1.0f, 127)]
    [InlineData(SampleFormat.U8, float.NaN, 0)]
    [InlineData(SampleFormat.I24, 1.0f, 8388607)]
    [InlineData(SampleFormat.I24, -1.0f, -8388608)]
    [InlineData(SampleFormat.U24, -3f, -8388608)]
    [InlineData(SampleFormat.I32, 1.0f, int.MaxValue)]
    [InlineData(SampleFormat.I32, -1.0f, int.MinValue)]
    [InlineData(SampleFormat.I32, 0.5f, 1 << 30)]
    [InlineData(SampleFormat.U32, float.PositiveInfinity, int.MaxValue)]
    [InlineData(SampleFormat.I32, float.NaN, 0)]
    [InlineData(SampleFormat.I64, 1.0f, long.MaxValue)]
    [InlineData(SampleFormat.I64, -1.0f, long.MinValue)]
    [InlineData(SampleFormat.U64, 0.25f, 1L << 61)]
    [InlineData(SampleFormat.I64, float.NaN, 0)]
    public void Float_to_integer_rounds_to_nearest_even_and_clips(SampleFormat type, float x, long expected)
    {
        // Run through a 37-sample block so both the vector body and the scalar tail see the value.
        var input = Enumerable.Repeat(x, 37).ToArray();
        var bytes = new byte[37 * type.BytesPerSample()];
        SampleFormatConverter.EncodeSamples(type, input, bytes);
        for (int i = 0; i < 37; i++)
        {
            Assert.Equal(expected, ReadSigned(type, bytes, i));
        }
    }

    [Theory]
    [InlineData(SampleFormat.U8, "80")]
    [InlineData(SampleFormat.U16, "0080")]
    [InlineData(SampleFormat.U24, "000080")]
    [InlineData(SampleFormat.U32, "00000080")]
    [InlineData(SampleFormat.U64, "0000000000000080")]
    [InlineData(SampleFormat.I8, "00")]
    [InlineData(SampleFormat.I16, "0000")]
    [InlineData(SampleFormat.I24, "000000")]
    [InlineData(SampleFormat.I32, "00000000")]
    [InlineData(SampleFormat.I64, "0000000000000000")]
    [InlineData(SampleFormat.F32, "00000000")]
    [InlineData(SampleFormat.F64, "0000000000000000")]
    public void Silence_is_zero_for_signed_and_offset_binary_midpoint_for_unsigned(SampleFormat type, string silenceHex)
    {
        var planar = new float[3 * 19]; // 3 channels × 19 frames of 0.0
        var bytes = new byte[SampleFormatConverter.GetByteCount(type, 3, 19)];
        SampleFormatConverter.Encode(type, planar, 19, 3, 19, bytes);
        Assert.Equal(string.Concat(Enumerable.Repeat(silenceHex, 3 * 19)), Convert.ToHexStringLower(bytes));

        Array.Fill(planar, 1f);
        SampleFormatConverter.Decode(type, bytes, 3, 19, planar, 19);
        Assert.All(planar, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Twenty_four_bit_samples_are_three_little_endian_bytes()
    {
        float[] x = [0.5f, -1f / 8388608, -1f, 1f, 0x123456 / 8388608f, 0f, 0.25f, -0.25f];
        var bytes = new byte[x.Length * 3];
        SampleFormatConverter.EncodeSamples(SampleFormat.I24, x, bytes);
        Assert.Equal("000040" + "ffffff" + "000080" + "ffff7f" + "563412" + "000000" + "000020" + "0000e0", Convert.ToHexStringLower(bytes));

        SampleFormatConverter.EncodeSamples(SampleFormat.U24, x, bytes);
        Assert.Equal("0000c0" + "ffff7f" + "000000" + "ffffff" + "563492" + "000080" + "0000a0" + "000060", Convert.ToHexStringLower(bytes));

        byte[] wire = Convert.FromHexString("010080" + "ffff7f" + "000000" + "563412");
        var back = new float[4];
        SampleFormatConverter.DecodeSamples(SampleFormat.I24, wire, back);
        Assert.Equal([-8388607f / 8388608, 8388607f / 8388608, 0f, 0x123456 / 8388608f], back);
    }

    [Theory]
    [InlineData(SampleFormat.I16BigEndian)]
    [InlineData(SampleFormat.I24BigEndian)]
    [InlineData(SampleFormat.I32BigEndian)]
    public void Big_endian_formats_are_the_little_endian_bytes_of_each_sample_reversed(SampleFormat type)
    {
        SampleFormat little = type.LittleEndianCounterpart();
        int bps = type.BytesPerSample();
        const int samples = 4099; // several stack chunks of the decoder and a ragged vector tail
        var random = new Random(7);
        var x = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            x[i] = (float)((random.NextDouble() * 2.2) - 1.1);
        }

        var le = new byte[samples * bps];
        var be = new byte[samples * bps];
        SampleFormatConverter.EncodeSamples(little, x, le);
        SampleFormatConverter.EncodeSamples(type, x, be);
        for (int i = 0; i < samples; i++)
        {
            Assert.Equal(le.AsSpan(i * bps, bps).ToArray().Reverse(), be.AsSpan(i * bps, bps).ToArray());
        }

        var fromLe = new float[samples];
        var fromBe = new float[samples];
        SampleFormatConverter.DecodeSamples(little, le, fromLe);
        SampleFormatConverter.DecodeSamples(type, be, fromBe);
        Assert.Equal(fromLe, fromBe);
    }

    [Fact]
    public void Rtp_linear_formats_put_the_most_significant_byte_first()
    {
        float[] x = [0.5f, -1f, 1f, 0x123456 / 8388608f];
        var l16 = new byte[x.Length * 2];
        var l24 = new byte[x.Length * 3];
        SampleFormatConverter.EncodeSamples(SampleFormat.I16BigEndian, x, l16);
        SampleFormatConverter.EncodeSamples(SampleFormat.I24BigEndian, x, l24);
        Assert.Equal("4000" + "8000" + "7fff" + "1234", Convert.ToHexStringLower(l16));
        Assert.Equal("400000" + "800000" + "7fffff" + "123456", Convert.ToHexStringLower(l24));

        var back = new float[2];
        SampleFormatConverter.DecodeSamples(SampleFormat.I32BigEndian, Convert.FromHexString("c0000000" + "00000001"), back);
        Assert.Equal([-0.5f, 1f / 2147483648f], back);
    }

    [Fact]
    public void F32_is_bit_exact_both_ways_including_nan_payloads_and_denormals()
    {
        var random = new Random(3);
        var bits = new int[2 * 555];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = random.Next(int.MinValue, int.MaxValue);
        }

        bits[0] = 0x7FC0_1234; // quiet NaN with payload
        bits[1] = 0x0000_0001; // smallest denormal
        bits[2] = unchecked((int)0x8000_0000); // -0
        float[] planar = bits.Select(BitConverter.Int32BitsToSingle).ToArray();
        var bytes = new byte[planar.Length * 4];
        SampleFormatConverter.Encode(SampleFormat.F32, planar, 555, 2, 555, bytes);
        for (int f = 0; f < 555; f++)
        {
            Assert.Equal(bits[f], BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8 * f)));
            Assert.Equal(bits[555 + f], BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((8 * f) + 4)));
        }

        var back = new float[planar.Length];
        SampleFormatConverter.Decode(SampleFormat.F32, bytes, 2, 555, back, 555);
        Assert.Equal(bits, back.Select(BitConverter.SingleToInt32Bits).ToArray());
    }

    [Fact]
    public void F64_encodes_exactly_and_decodes_to_the_nearest_float()
    {
        float[] x = [0.1f, -1f, 3.5f, float.NaN];
        var bytes = new byte[x.Length * 8];
        SampleFormatConverter.EncodeSamples(SampleFormat.F64, x, bytes);
        Assert.Equal((double)0.1f, BinaryPrimitives.ReadDoubleLittleEndian(bytes));
        Assert.True(double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(24))));

        BinaryPrimitives.WriteDoubleLittleEndian(bytes, 0.1);
        var back = new float[x.Length];
        SampleFormatConverter.DecodeSamples(SampleFormat.F64, bytes, back);
        Assert.Equal(0.1f, back[0]);
        Assert.Equal(-1f, back[1]);
    }

    [Theory]
    [InlineData(SampleFormat.I32)]
    [InlineData(SampleFormat.U32)]
    [InlineData(SampleFormat.I64)]
    [InlineData(SampleFormat.U64)]
    public void Wide_integers_keep_every_float_bit(SampleFormat type)
    {
        // Any float in [-1, 1) with |x| ≥ 2^-8 is k / 2^31 for an integer k: exact through 32 and 64 bits.
        var random = new Random(11);
        float[] x = Enumerable.Range(0, 1001).Select(_ => (float)((random.NextDouble() * 1.99) - 0.995)).Where(v => Math.Abs(v) >= 1f / 256).ToArray();
        var bytes = new byte[x.Length * type.BytesPerSample()];
        SampleFormatConverter.EncodeSamples(type, x, bytes);
        var back = new float[x.Length];
        SampleFormatConverter.DecodeSamples(type, bytes, back);
        Assert.Equal(x, back);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(1500)] // wider than one scratch chunk
    public void Channel_counts_interleave_frame_major(int channels)
    {
        const int frames = 45;
        int stride = frames + 3; // a stride larger than the frame count, like an AudioBuffer's capacity
        var planar = new float[channels * stride];
        for (int c = 0; c < channels; c++)
        {
            for (int f = 0; f < frames; f++)
            {
                planar[(c * stride) + f] = ((c * frames) + f) / 131072f; // exact in I24
            }
        }

        var bytes = new byte[SampleFormatConverter.GetByteCount(SampleFormat.I24, channels, frames)];
        SampleFormatConverter.Encode(SampleFormat.I24, planar, stride, channels, frames, bytes);
        for (int f = 0; f < frames; f += 7)
        {
            for (int c = 0; c < channels; c += Math.Max(1, channels / 5))
            {
                long q = ReadSigned(SampleFormat.I24, bytes, (f * channels) + c);
                Assert.Equal(((c * frames) + f) * 64L, q);
            }
        }

        var back = new float[channels * stride];
        SampleFormatConverter.Decode(SampleFormat.I24, bytes, channels, frames, back, stride);
        for (int c = 0; c < channels; c++)
        {
            Assert.Equal(planar.AsSpan(c * stride, frames).ToArray(), back.AsSpan(c * stride, frames).ToArray());
            Assert.All(back.AsSpan((c * stride) + frames, 3).ToArray(), v => Assert.Equal(0f, v)); // untouched
        }
    }

    [Fact]
    public void AudioBuffer_overloads_map_wire_channels_to_a_channel_and_frame_offset()
    {
        var buffer = new AudioBuffer(4, 64);
        buffer.GetChannel(1, 64).Fill(0.25f);
        buffer.GetChannel(2, 64).Fill(-0.5f);
        var bytes = new byte[SampleFormatConverter.GetByteCount(SampleFormat.I16, 2, 10)];
        Assert.Equal(40, SampleFormatConverter.Encode(SampleFormat.I16, buffer, firstChannel: 1, channels: 2, firstFrame: 50, frames: 10, bytes));
        Assert.Equal("0020" + "00c0", Convert.ToHexStringLower(bytes, 0, 4));

        var target = new AudioBuffer(4, 64);
        SampleFormatConverter.Decode(SampleFormat.I16, bytes, 2, 10, target, firstChannel: 2, firstFrame: 5);
        Assert.Equal(0.25f, target.GetChannel(2, 64)[5]);
        Assert.Equal(-0.5f, target.GetChannel(3, 64)[14]);
        Assert.Equal(0f, target.GetChannel(2, 64)[4]);
        Assert.Equal(0f, target.GetChannel(2, 64)[15]);
        Assert.Equal(0f, target.GetChannel(1, 64)[5]);

        Assert.Throws<ArgumentOutOfRangeException>(() => SampleFormatConverter.Encode(SampleFormat.I16, buffer, 3, 2, 0, 10, bytes));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleFormatConverter.Encode(SampleFormat.I16, buffer, 0, 2, 60, 10, bytes));
    }

    [Fact]
    public void Shapes_that_do_not_fit_throw_argument_errors()
    {
        var planar = new float[20];
        var bytes = new byte[80];
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleFormatConverter.Encode(SampleFormat.I16, planar, 10, 2, 11, bytes)); // stride < frames
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleFormatConverter.Encode(SampleFormat.I16, planar, 10, 3, 10, bytes)); // planar too short
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleFormatConverter.Encode(SampleFormat.F64, planar, 10, 2, 10, bytes)); // bytes too short
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleFormatConverter.Decode(SampleFormat.I16, bytes, 0, 10, planar, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleFormatConverter.Decode((SampleFormat)SampleFormatExtensions.Count, bytes, 1, 1, planar, 1));
        Assert.Equal(0, SampleFormatConverter.Encode(SampleFormat.I16, planar, 10, 2, 0, bytes));
    }

    [Fact]
    public void Conversion_allocates_nothing()
    {
        var planar = new float[2 * 4096];
        var bytes = new byte[2 * 4096 * 8];
        foreach (SampleFormat t in Enum.GetValues<SampleFormat>())
        {
            SampleFormatConverter.Encode(t, planar, 4096, 2, 4096, bytes);
            SampleFormatConverter.Decode(t, bytes, 2, 4096, planar, 4096);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 12; t++)
        {
            SampleFormatConverter.Encode((SampleFormat)t, planar, 4096, 2, 4096, bytes);
            SampleFormatConverter.Decode((SampleFormat)t, bytes, 2, 4096, planar, 4096);
            SampleFormatConverter.Encode((SampleFormat)t, planar, 1365, 6, 1365, bytes);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
