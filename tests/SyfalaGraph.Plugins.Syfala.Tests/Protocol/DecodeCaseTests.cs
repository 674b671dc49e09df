using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Plugins.Syfala.Tests.Support;

namespace SyfalaGraph.Plugins.Syfala.Tests.Protocol;

/// <summary>
/// Every line of shared/protocol/syfala-decode-cases.jsonl: the reference decoder's accept/reject decisions and
/// trailing lengths. Run with <see cref="SyfalaLimits.Unbounded"/>, since the reference has no policy limits.
/// </summary>
public sealed class DecodeCaseTests
{
    public static TheoryData<string, string, string, string, string> Cases => GoldenData.DecodeCaseRows();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decoder_accepts_and_rejects_what_the_reference_does(string direction, string hex, string expect, string trailingHex, string referenceError)
    {
        byte[] datagram = Convert.FromHexString(hex);
        bool ok;
        int consumed;
        DecodeError error;
        if (direction == "client")
        {
            ok = SyfalaCodec.TryDecodeClient(datagram, out ClientMessage message, out consumed, out error);
            if (ok && message.Kind == ClientMessageKind.Audio)
            {
                // The audio payload is the reference's "trailing" part.
                Assert.Equal(trailingHex, Convert.ToHexStringLower(message.Payload));
            }
        }
        else
        {
            ok = SyfalaCodec.TryDecodeServer(datagram, SyfalaLimits.Unbounded, out ServerMessage message, out consumed, out error);
            if (ok && message.Kind == ServerMessageKind.Audio)
            {
                Assert.Equal(trailingHex, Convert.ToHexStringLower(message.Payload));
            }
        }

        if (expect == "accept")
        {
            Assert.True(ok, $"rejected with {error}");
            Assert.Equal(DecodeError.None, error);
            Assert.Equal(trailingHex, Convert.ToHexStringLower(datagram.AsSpan(consumed)));
        }
        else
        {
            Assert.Equal("reject", expect);
            Assert.False(ok);
            Assert.Equal(0, consumed);
            Assert.Equal(referenceError, ReferenceErrorOf(error));
        }
    }

    [Fact]
    public void Default_limits_reject_the_reference_accepted_four_billion_channels()
    {
        byte[] datagram = Convert.FromHexString("0001000000000070e740ffffffff0f200a00");
        Assert.False(SyfalaCodec.TryDecodeServer(datagram, out _, out DecodeError error));
        Assert.Equal(DecodeError.LimitExceeded, error);
    }

    [Fact]
    public void Accepted_channel_count_is_u32_max()
    {
        byte[] datagram = Convert.FromHexString("0001000000000070e740ffffffff0f200a00");
        Assert.True(SyfalaCodec.TryDecodeServer(datagram, SyfalaLimits.Unbounded, out ServerMessage message, out _, out _));
        StreamFormat format = Assert.Single(message.Formats!.Inputs);
        Assert.Equal(new StreamFormat(48_000, uint.MaxValue, 32, SampleType.F32), format);
        Assert.Empty(message.Formats.Outputs);
    }

    /// <summary>The postcard error the reference reports for each of our error kinds.</summary>
    private static string ReferenceErrorOf(DecodeError error) => error switch
    {
        DecodeError.UnexpectedEnd => "DeserializeUnexpectedEnd",
        DecodeError.VarintOverflow => "DeserializeBadVarint",
        DecodeError.UnknownVariant or DecodeError.InvalidSampleRate or DecodeError.ZeroChannels or DecodeError.UnknownSampleType => "SerdeDeCustom",
        _ => error.ToString(),
    };
}
