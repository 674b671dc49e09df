using System.Net;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Audio;

/// <summary>The audio path (sender thread → transport → receiver thread → jitter buffer) on an in-memory network.</summary>
public sealed class AudioPathTests
{
    [Fact]
    public void Audio_crosses_an_in_memory_transport_exactly_with_frames_split_across_datagrams()
    {
        // 300 channels of I24 = 900 bytes per frame, datagrams of at most 517 bytes: every frame is split in two.
        const int Channels = 300;
        var network = new MemoryNetwork();
        using MemoryDatagramTransport a = network.Open(1000);
        using MemoryDatagramTransport b = network.Open(2000);
        var parameters = new SyfalaServerParameters { MaxDatagramBytes = 517, LatencyFrames = 64 };
        var format = new StreamFormat(48_000, Channels, 32, SampleType.I24);
        var client = new AudioPath(a, new ControlInbox(), atServer: false, [Channels], [], 48_000, 32, parameters);
        var server = new AudioPath(b, new ControlInbox(), atServer: true, [], [Channels], 48_000, 32, parameters);
        client.Start("memory a");
        server.Start("memory b");
        try
        {
            Assert.True(server.Activate(a.LocalEndPoint.Serialize(), [], [format], sending: true));
            Assert.True(client.Activate(b.LocalEndPoint.Serialize(), [format], [], sending: false));
            Assert.True(client.StartSending());
            var input = new AudioBuffer(Channels, 32);
            var output = new AudioBuffer(Channels, 32);
            const int Blocks = 300;
            static float Value(long frame, int channel) => ((((frame + channel) % 200) - 100) / 128f); // exact in 24 bits
            for (int block = 0; block < Blocks; block++)
            {
                for (int c = 0; c < Channels; c++)
                {
                    Span<float> s = input.GetChannel(c, 32);
                    for (int f = 0; f < 32; f++)
                    {
                        s[f] = Value((block * 32L) + f, c);
                    }
                }

                client.Process(new ProcessContext(32, block * 32L, 48_000, [input], [], NodeEventWriter.Null, false));
                if (block % 4 == 0)
                {
                    Thread.Sleep(1); // let the sender thread keep the ring from overflowing
                }
            }

            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (server.ReceiveBuffers[0].FillFrames < Blocks * 32 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }

            Assert.Equal(Blocks * 32, server.ReceiveBuffers[0].FillFrames);
            for (int block = 0; block < Blocks; block++)
            {
                server.Process(new ProcessContext(32, block * 32L, 48_000, [], [output], NodeEventWriter.Null, false));
                for (int c = 0; c < Channels; c++)
                {
                    ReadOnlySpan<float> got = output.GetChannel(c, 32);
                    for (int f = 0; f < 32; f++)
                    {
                        if (got[f] != Value((block * 32L) + f, c))
                        {
                            Assert.Fail($"frame {(block * 32) + f} channel {c}: {got[f]} instead of {Value((block * 32L) + f, c)}");
                        }
                    }
                }
            }

            ReceiveStatistics stats = server.Statistics;
            Assert.Equal(0, Volatile.Read(ref stats.LostBytes));
            Assert.Equal(2 * Blocks * 32, Volatile.Read(ref stats.AudioDatagrams)); // 900-byte frames in 500-byte payloads: 2 per frame
            Assert.Equal(0, client.SendOverflows);
        }
        finally
        {
            client.Stop();
            server.Stop();
        }
    }
}
