using BenchmarkDotNet.Attributes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Benchmarks.Syfala;

/// <summary>Syfala datagram encode/decode: the audio header (hot path, must allocate 0) and a Connect (control path).</summary>
[MemoryDiagnoser]
public class SyfalaCodecBenchmarks
{
    private readonly byte[] _datagram = new byte[17 + 256];
    private readonly byte[] _connect = new byte[256];
    private int _connectLength;
    private ulong _byteIndex;

    [GlobalSetup]
    public void Setup()
    {
        SyfalaCodec.TryWriteClientAudioHeader(new AudioMessageHeader(1, 123_456_789, 256), _datagram);
        var formats = new StreamFormats([StreamFormat.Standard, StreamFormat.Standard], [StreamFormat.Standard]);
        SyfalaCodec.TryEncode(ServerMessage.Connect(formats), _connect, out _connectLength);
    }

    /// <summary>Writes the 17-byte client audio header in front of a payload.</summary>
    [Benchmark]
    public bool EncodeAudioHeader() => SyfalaCodec.TryWriteClientAudioHeader(new AudioMessageHeader(1, _byteIndex += 256, 256), _datagram);

    /// <summary>Decodes a client audio datagram (header + 256-byte payload slice).</summary>
    [Benchmark]
    public ulong DecodeAudioHeader()
    {
        SyfalaCodec.TryDecodeClient(_datagram, out ClientMessage message, out _);
        return message.Header.ByteIndex + (ulong)message.Payload.Length;
    }

    /// <summary>Decodes a Connect with 2 inputs and 1 output (allocates the formats).</summary>
    [Benchmark]
    public int DecodeConnect()
    {
        SyfalaCodec.TryDecodeServer(_connect.AsSpan(0, _connectLength), out ServerMessage message, out _);
        return message.Formats!.Inputs.Length;
    }
}
