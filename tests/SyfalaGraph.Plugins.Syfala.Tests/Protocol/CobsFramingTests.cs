using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Plugins.Syfala.Tests.Support;

namespace SyfalaGraph.Plugins.Syfala.Tests.Protocol;

/// <summary>COBS framing as postcard's to_slice_cobs / from_bytes_cobs (cobs crate) produce and accept it.</summary>
public sealed class CobsFramingTests
{
    private static string Frame(byte[] payload)
    {
        var buffer = new byte[CobsFraming.GetMaxEncodedLength(payload.Length)];
        Assert.True(CobsFraming.TryEncode(payload, buffer, out int written));
        return Convert.ToHexStringLower(buffer, 0, written);
    }

    [Theory]
    // From postcard's to_slice_cobs documentation (bool false; "1"; "Hi!"; &[u8] [1, 0, 0x20, 0x30] with its length prefix).
    [InlineData("00", "010100")]
    [InlineData("0131", "03013100")]
    [InlineData("03486921", "050348692100")]
    [InlineData("0401002030", "030401032030" + "00")]
    // From the cobs crate's tests.
    [InlineData("", "0100")]
    [InlineData("0a0b000c", "030a0b020c00")]
    [InlineData("00000100", "010102010100")]
    [InlineData("ff00", "02ff0100")]
    public void Encoding_matches_the_reference_frames(string payloadHex, string frameHex)
    {
        byte[] payload = Convert.FromHexString(payloadHex);
        Assert.Equal(frameHex, Frame(payload));

        var decoded = new byte[64];
        Assert.True(CobsFraming.TryDecode(Convert.FromHexString(frameHex), decoded, out int n));
        Assert.Equal(payloadHex, Convert.ToHexStringLower(decoded, 0, n));
    }

    [Theory]
    [InlineData(253)]
    [InlineData(254)]
    [InlineData(255)]
    [InlineData(508)]
    [InlineData(1000)]
    public void Long_non_zero_runs_use_0xff_groups_without_a_trailing_empty_group(int length)
    {
        byte[] payload = Enumerable.Range(0, length).Select(i => (byte)((i % 255) + 1)).ToArray();
        byte[] frame = Convert.FromHexString(Frame(payload));
        Assert.Equal(0, frame[^1]);
        Assert.DoesNotContain((byte)0, frame[..^1]);
        int groups = (length + 253) / 254;
        Assert.Equal(length + groups + 1, frame.Length); // exactly one code byte per 254-byte group
        if (length == 254)
        {
            Assert.Equal(0xFF, frame[0]);
            Assert.Equal(256, frame.Length);
        }

        var decoded = new byte[length];
        Assert.True(CobsFraming.TryDecode(frame, decoded, out int n));
        Assert.Equal(payload, decoded[..n]);
    }

    [Fact]
    public void Decoder_rejects_a_code_that_points_past_the_frame()
    {
        Assert.False(CobsFraming.TryDecode(Convert.FromHexString("05010200"), new byte[16], out _));
    }

    [Fact]
    public void Every_golden_message_survives_framing_through_a_byte_stream_fed_one_byte_at_a_time()
    {
        var stream = new List<byte>();
        var expected = new List<string>();
        foreach (WireVector v in GoldenData.WireVectors)
        {
            byte[] message = Convert.FromHexString(v.Hex);
            stream.AddRange(Convert.FromHexString(Frame(message)));
            expected.Add(v.Hex);
        }

        var decoder = new CobsFrameDecoder(256);
        var frames = new List<string>();
        foreach (byte b in stream)
        {
            CobsDecodeStatus status = decoder.Decode([b], out int consumed, out ReadOnlySpan<byte> frame);
            Assert.Equal(1, consumed);
            if (status == CobsDecodeStatus.FrameDecoded)
            {
                frames.Add(Convert.ToHexStringLower(frame));
            }
            else
            {
                Assert.Equal(CobsDecodeStatus.NeedMoreData, status);
            }
        }

        Assert.Equal(expected, frames);
        Assert.False(decoder.HasPartialFrame);
    }

    [Fact]
    public void Decoder_returns_after_each_frame_of_a_chunk_and_decodes_control_messages()
    {
        var chunk = new List<byte> { 0, 0 }; // empty frames are skipped
        foreach (string hex in new[] { "09", "0001000000000070e74002200a00", "0700000000000000000000000002000000abcd" })
        {
            chunk.AddRange(Convert.FromHexString(Frame(Convert.FromHexString(hex))));
        }

        var decoder = new CobsFrameDecoder();
        ReadOnlySpan<byte> input = chunk.ToArray();
        var kinds = new List<ServerMessageKind>();
        while (!input.IsEmpty)
        {
            CobsDecodeStatus status = decoder.Decode(input, out int consumed, out ReadOnlySpan<byte> frame);
            input = input[consumed..];
            if (status == CobsDecodeStatus.FrameDecoded)
            {
                Assert.True(SyfalaCodec.TryDecodeServer(frame, out ServerMessage message, out DecodeError error), error.ToString());
                kinds.Add(message.Kind);
            }
        }

        Assert.Equal([ServerMessageKind.Heartbeat, ServerMessageKind.Connect, ServerMessageKind.Audio], kinds);
    }

    [Fact]
    public void Decoder_drops_an_oversized_frame_and_resynchronises()
    {
        var decoder = new CobsFrameDecoder(maxFrameLength: 8);
        byte[] big = Convert.FromHexString(Frame(Enumerable.Range(1, 100).Select(i => (byte)i).ToArray()));
        byte[] small = Convert.FromHexString(Frame([8]));
        byte[] input = [.. big, .. small];

        Assert.Equal(CobsDecodeStatus.FrameTooLong, decoder.Decode(input, out int consumed, out _));
        Assert.Equal(big.Length, consumed);
        Assert.Equal(CobsDecodeStatus.FrameDecoded, decoder.Decode(input.AsSpan(consumed), out _, out ReadOnlySpan<byte> frame));
        Assert.Equal([8], frame.ToArray());
    }

    [Fact]
    public void Decoder_reports_a_frame_cut_short_by_its_terminator_as_malformed()
    {
        var decoder = new CobsFrameDecoder();
        byte[] input = Convert.FromHexString("0501020300" + "020900");
        Assert.Equal(CobsDecodeStatus.MalformedFrame, decoder.Decode(input, out int consumed, out _));
        Assert.Equal(5, consumed);
        Assert.Equal(CobsDecodeStatus.FrameDecoded, decoder.Decode(input.AsSpan(consumed), out _, out ReadOnlySpan<byte> frame));
        Assert.Equal([9], frame.ToArray());
    }

    [Fact]
    public void Random_payloads_round_trip_through_both_decoders()
    {
        var random = new Random(1234);
        var decoder = new CobsFrameDecoder(4096);
        for (int trial = 0; trial < 2000; trial++)
        {
            var payload = new byte[random.Next(0, 1200)];
            random.NextBytes(payload);
            if (trial % 3 == 0)
            {
                Array.Clear(payload, 0, payload.Length / 2); // zero-heavy
            }

            byte[] frame = Convert.FromHexString(Frame(payload));
            Assert.True(frame.Length <= CobsFraming.GetMaxEncodedLength(payload.Length));
            var decoded = new byte[frame.Length];
            Assert.True(CobsFraming.TryDecode(frame, decoded, out int n));
            Assert.Equal(payload, decoded[..n]);

            if (payload.Length > 0)
            {
                Assert.Equal(CobsDecodeStatus.FrameDecoded, decoder.Decode(frame, out int consumed, out ReadOnlySpan<byte> streamed));
                Assert.Equal(frame.Length, consumed);
                Assert.True(streamed.SequenceEqual(payload));
            }
        }
    }

    [Fact]
    public void Encoding_fails_cleanly_when_the_destination_is_too_small()
    {
        byte[] payload = Enumerable.Range(0, 300).Select(i => (byte)(i % 7)).ToArray();
        int needed = Convert.FromHexString(Frame(payload)).Length;
        for (int size = 0; size < needed; size++)
        {
            Assert.False(CobsFraming.TryEncode(payload, new byte[size], out int written));
            Assert.Equal(0, written);
        }
    }
}
