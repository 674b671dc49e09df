using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Plugins.Syfala.Tests.Support;

namespace SyfalaGraph.Plugins.Syfala.Tests.Protocol;

/// <summary>Every line of shared/protocol/syfala-wire-vectors.jsonl (the reference encoder's output), both ways.</summary>
public sealed class WireVectorTests
{
    public static TheoryData<string, string, string> Vectors => GoldenData.WireVectorRows();

    [Fact]
    public void Golden_file_has_every_message_kind()
    {
        Assert.Equal(25, GoldenData.WireVectors.Count);
        Assert.Equal(9, GoldenData.WireVectors.Where(v => v.Direction == "client").Select(v => Convert.FromHexString(v.Hex)[0]).Distinct().Count());
        Assert.Equal(10, GoldenData.WireVectors.Where(v => v.Direction == "server").Select(v => Convert.FromHexString(v.Hex)[0]).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encoding_the_named_message_gives_the_reference_bytes(string direction, string name, string hex)
    {
        ExpectedMessage expected = GoldenData.Expected(direction, name);
        var buffer = new byte[4096];
        int written;
        int predicted;
        if (direction == "client")
        {
            ClientMessage message = MessageAssert.ToClient(expected);
            Assert.True(SyfalaCodec.TryEncode(message, buffer, out written));
            predicted = SyfalaCodec.GetEncodedLength(message);
        }
        else
        {
            ServerMessage message = MessageAssert.ToServer(expected);
            Assert.True(SyfalaCodec.TryEncode(message, buffer, out written));
            predicted = SyfalaCodec.GetEncodedLength(message);
        }

        Assert.Equal(hex, Convert.ToHexStringLower(buffer, 0, written));
        Assert.Equal(written, predicted);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Decoding_the_reference_bytes_gives_the_named_message_and_reencodes_identically(string direction, string name, string hex)
    {
        ExpectedMessage expected = GoldenData.Expected(direction, name);
        byte[] datagram = Convert.FromHexString(hex);
        var buffer = new byte[4096];
        int written;
        if (direction == "client")
        {
            Assert.True(SyfalaCodec.TryDecodeClient(datagram, out ClientMessage message, out int consumed, out DecodeError error), error.ToString());
            Assert.Equal(DecodeError.None, error);
            Assert.Equal(datagram.Length, consumed);
            Assert.True(message.Payload.IsEmpty);
            MessageAssert.Equal(expected, message);
            Assert.True(SyfalaCodec.TryEncode(message, buffer, out written));
        }
        else
        {
            Assert.True(SyfalaCodec.TryDecodeServer(datagram, SyfalaLimits.Default, out ServerMessage message, out int consumed, out DecodeError error), error.ToString());
            Assert.Equal(DecodeError.None, error);
            Assert.Equal(datagram.Length, consumed);
            Assert.True(message.Payload.IsEmpty);
            MessageAssert.Equal(expected, message);
            Assert.True(SyfalaCodec.TryEncode(message, buffer, out written));
        }

        Assert.Equal(hex, Convert.ToHexStringLower(buffer, 0, written));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encoding_into_a_buffer_one_byte_too_small_fails_cleanly(string direction, string name, string hex)
    {
        ExpectedMessage expected = GoldenData.Expected(direction, name);
        var buffer = new byte[(hex.Length / 2) - 1];
        bool ok = direction == "client"
            ? SyfalaCodec.TryEncode(MessageAssert.ToClient(expected), buffer, out int written)
            : SyfalaCodec.TryEncode(MessageAssert.ToServer(expected), buffer, out written);
        Assert.False(ok);
        Assert.Equal(0, written);
    }
}
