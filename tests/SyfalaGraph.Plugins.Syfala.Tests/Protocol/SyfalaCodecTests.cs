using System.Buffers.Binary;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Protocol;

/// <summary>Codec behaviour beyond the golden files: varint rules, limits, payload handling, allocation.</summary>
public sealed class SyfalaCodecTests
{
    private static byte[] Connect(params StreamFormat[] inputs)
    {
        var formats = new StreamFormats(inputs, []);
        var buffer = new byte[SyfalaCodec.GetEncodedLength(ServerMessage.Connect(formats))];
        Assert.True(SyfalaCodec.TryEncode(ServerMessage.Connect(formats), buffer, out int written));
        Assert.Equal(buffer.Length, written);
        return buffer;
    }

    [Fact]
    public void Audio_header_is_seventeen_fixed_width_little_endian_bytes_then_payload()
    {
        byte[] payload = [1, 2, 3, 4, 5];
        var buffer = new byte[64];
        var header = new AudioMessageHeader(0x0403_0201, 0x0C0B_0A09_0807_0605, 0x100F_0E0D);
        Assert.True(SyfalaCodec.TryEncode(ClientMessage.Audio(header, payload), buffer, out int written));
        Assert.Equal(22, written);
        Assert.Equal("06" + "01020304" + "05060708090a0b0c" + "0d0e0f10" + "0102030405", Convert.ToHexStringLower(buffer, 0, written));

        Assert.True(SyfalaCodec.TryDecodeClient(buffer.AsSpan(0, written), out ClientMessage decoded, out int consumed, out _));
        Assert.Equal(header, decoded.Header);
        Assert.Equal(17, consumed);
        Assert.Equal(payload, decoded.Payload.ToArray());
        Assert.True(decoded.Payload.Overlaps(buffer), "payload must be a slice of the datagram, not a copy");
    }

    [Fact]
    public void Header_written_in_place_lets_samples_follow_without_copy()
    {
        var datagram = new byte[17 + 8];
        Assert.True(SyfalaCodec.TryWriteServerAudioHeader(new AudioMessageHeader(3, 800, 8), datagram));
        Assert.False(SyfalaCodec.TryWriteServerAudioHeader(default, datagram.AsSpan(0, 16)));
        Assert.True(SyfalaCodec.TryDecodeServer(datagram, out ServerMessage message, out _));
        Assert.Equal(ServerMessageKind.Audio, message.Kind);
        Assert.Equal(new AudioMessageHeader(3, 800, 8), message.Header);
        Assert.Equal(8, message.Payload.Length);
        Assert.True(SyfalaCodec.TryWriteClientAudioHeader(new AudioMessageHeader(3, 800, 8), datagram));
        Assert.Equal(6, datagram[0]);
    }

    [Fact]
    public void Audio_n_bytes_is_not_checked_against_the_payload_like_the_reference()
    {
        byte[] datagram = Convert.FromHexString("07" + "00000000" + "0000000000000000" + "ffffffff" + "aabb");
        Assert.True(SyfalaCodec.TryDecodeServer(datagram, out ServerMessage message, out _));
        Assert.Equal(uint.MaxValue, message.Header.ByteCount);
        Assert.Equal(2, message.Payload.Length);
    }

    [Theory]
    [InlineData("8000", true, 0)]          // non-canonical 0: postcard accepts it
    [InlineData("8880808000", true, 8)]    // 5 bytes, last 0x00
    [InlineData("888080800f", false, 0)]   // value too large for a variant, but a valid varint → unknown variant
    [InlineData("8880808010", false, 0)]   // 5th byte > 0x0F → bad varint
    [InlineData("888080808000", false, 0)] // 6 bytes → bad varint
    [InlineData("88808080", false, 0)]     // ends inside the varint
    public void Variant_index_is_a_postcard_u32_varint(string hex, bool ok, int kind)
    {
        bool decoded = SyfalaCodec.TryDecodeClient(Convert.FromHexString(hex), out ClientMessage message, out int consumed, out DecodeError error);
        Assert.Equal(ok, decoded);
        if (ok)
        {
            Assert.Equal((ClientMessageKind)kind, message.Kind);
            Assert.Equal(hex.Length / 2, consumed);
        }
        else
        {
            DecodeError expected = hex switch
            {
                "888080800f" => DecodeError.UnknownVariant,
                "88808080" => DecodeError.UnexpectedEnd,
                _ => DecodeError.VarintOverflow,
            };
            Assert.Equal(expected, error);
        }
    }

    [Fact]
    public void Sequence_length_is_a_usize_varint_of_up_to_ten_bytes()
    {
        // 2^63 as a count: a valid u64 varint (10th byte 0x01); the datagram then ends → unexpected end, not a crash.
        byte[] huge = Convert.FromHexString("00" + "80808080808080808001");
        Assert.False(SyfalaCodec.TryDecodeServer(huge, SyfalaLimits.Unbounded, out _, out _, out DecodeError error));
        Assert.Equal(DecodeError.UnexpectedEnd, error);

        byte[] overflow = Convert.FromHexString("00" + "80808080808080808002");
        Assert.False(SyfalaCodec.TryDecodeServer(overflow, SyfalaLimits.Unbounded, out _, out _, out error));
        Assert.Equal(DecodeError.VarintOverflow, error);
    }

    [Fact]
    public void Decoder_rejects_more_streams_than_the_limit_before_reading_them()
    {
        // 65 inputs claimed and 65 × 11 bytes present (their contents are not even looked at).
        byte[] datagram = [0x00, 0x41, .. new byte[65 * 11]];
        Assert.False(SyfalaCodec.TryDecodeServer(datagram, out _, out DecodeError error));
        Assert.Equal(DecodeError.LimitExceeded, error);

        // A claim the datagram cannot hold is a truncated message, as for the reference.
        Assert.False(SyfalaCodec.TryDecodeServer([0x00, 0x41], out _, out error));
        Assert.Equal(DecodeError.UnexpectedEnd, error);

        var tight = new SyfalaLimits { MaxStreams = 1 };
        byte[] two = Connect(StreamFormat.Standard, StreamFormat.Standard);
        Assert.False(SyfalaCodec.TryDecodeServer(two, tight, out _, out _, out error));
        Assert.Equal(DecodeError.LimitExceeded, error);
        Assert.True(SyfalaCodec.TryDecodeServer(two, SyfalaLimits.Default, out ServerMessage ok, out _, out _));
        Assert.Equal(2, ok.Formats!.Inputs.Length);
    }

    [Fact]
    public void Decoder_applies_channel_and_sample_rate_limits()
    {
        Assert.True(SyfalaCodec.TryDecodeServer(Connect(new StreamFormat(768_000, 1024, 0, SampleType.I24)), out _, out _));
        Assert.False(SyfalaCodec.TryDecodeServer(Connect(new StreamFormat(768_000, 1025, 0, SampleType.I24)), out _, out DecodeError error));
        Assert.Equal(DecodeError.LimitExceeded, error);
        Assert.False(SyfalaCodec.TryDecodeServer(Connect(new StreamFormat(768_000.5, 2, 0, SampleType.I24)), out _, out error));
        Assert.Equal(DecodeError.LimitExceeded, error);
    }

    [Theory]
    [InlineData(0.0, DecodeError.InvalidSampleRate)]
    [InlineData(-48000.0, DecodeError.InvalidSampleRate)]
    [InlineData(double.NaN, DecodeError.InvalidSampleRate)]
    [InlineData(double.PositiveInfinity, DecodeError.InvalidSampleRate)]
    [InlineData(double.Epsilon, DecodeError.InvalidSampleRate)]
    [InlineData(2.2250738585072014E-308, DecodeError.None)] // smallest normal: the wire accepts it
    public void Decoder_rejects_a_sample_rate_that_is_not_positive_and_normal(double rate, DecodeError expected)
    {
        byte[] datagram = Convert.FromHexString("0001" + "0000000000000000" + "02200a00");
        BinaryPrimitives.WriteDoubleLittleEndian(datagram.AsSpan(2), rate);
        SyfalaCodec.TryDecodeServer(datagram, SyfalaLimits.Unbounded, out _, out _, out DecodeError error);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Decoder_rejects_zero_channel_count()
    {
        Assert.False(SyfalaCodec.TryDecodeServer(Convert.FromHexString("0001000000000070e74000200a00"), out _, out DecodeError error));
        Assert.Equal(DecodeError.ZeroChannels, error);
    }

    [Fact]
    public void Decoder_rejects_unknown_sample_type()
    {
        Assert.False(SyfalaCodec.TryDecodeServer(Convert.FromHexString("0001000000000070e74002200c00"), out _, out DecodeError error));
        Assert.Equal(DecodeError.UnknownSampleType, error);
    }

    [Fact]
    public void Encoder_refuses_a_format_the_reference_would_reject()
    {
        var formats = new StreamFormats([new StreamFormat(48_000, 0, 32, SampleType.F32)], []);
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() => SyfalaCodec.TryEncode(ServerMessage.Connect(formats), buffer, out _));
    }

    [Fact]
    public void Control_factories_refuse_kinds_that_carry_data()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClientMessage.Control(ClientMessageKind.Audio));
        Assert.Throws<ArgumentOutOfRangeException>(() => ServerMessage.Control(ServerMessageKind.Connect));
        Assert.Throws<ArgumentOutOfRangeException>(() => ServerMessage.Control((ServerMessageKind)10));
    }

    [Fact]
    public void Audio_and_control_decode_and_encode_allocate_nothing()
    {
        byte[] audio = new byte[17 + 256];
        SyfalaCodec.TryWriteClientAudioHeader(new AudioMessageHeader(1, 2, 256), audio);
        byte[] serverAudio = (byte[])audio.Clone();
        serverAudio[0] = 7;
        byte[] heartbeat = [9, 0xAA];
        var output = new byte[512];

        // Warm up (JIT, statics), then measure.
        Run(1000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long checksum = Run(100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);

        long Run(int n)
        {
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                SyfalaCodec.TryDecodeClient(audio, out ClientMessage c, out _);
                SyfalaCodec.TryDecodeServer(serverAudio, out ServerMessage s, out _);
                SyfalaCodec.TryDecodeServer(heartbeat, out ServerMessage h, out _);
                SyfalaCodec.TryEncode(c, output, out int w1);
                SyfalaCodec.TryEncode(s, output, out int w2);
                sum += (long)c.Header.ByteIndex + s.Payload.Length + (int)h.Kind + w1 + w2;
            }

            return sum;
        }
    }

    [Fact]
    public void Connect_decoding_allocates_in_proportion_to_the_formats_only()
    {
        byte[] one = Connect(StreamFormat.Standard);
        byte[] many = Connect(Enumerable.Repeat(StreamFormat.Standard, 64).ToArray());
        SyfalaCodec.TryDecodeServer(one, out _, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(SyfalaCodec.TryDecodeServer(one, out _, out _));
        long oneBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(SyfalaCodec.TryDecodeServer(many, out ServerMessage m, out _));
        long manyBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(64, m.Formats!.Inputs.Length);
        Assert.InRange(oneBytes, 1, 200);                     // object + one array of 1 format
        Assert.InRange(manyBytes, 64 * 24, 200 + (64 * 24));  // a 24-byte StreamFormat per format, nothing else
    }

    [Fact]
    public void Trailing_bytes_after_connect_are_reported_not_parsed()
    {
        byte[] datagram = [.. Connect(StreamFormat.Standard), 0xde, 0xad];
        Assert.True(SyfalaCodec.TryDecodeServer(datagram, SyfalaLimits.Default, out ServerMessage message, out int consumed, out _));
        Assert.Equal(datagram.Length - 2, consumed);
        Assert.Equal(StreamFormat.Standard, Assert.Single(message.Formats!.Inputs));
    }
}
