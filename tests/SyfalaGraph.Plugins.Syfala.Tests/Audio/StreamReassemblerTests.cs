using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Formats;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Audio;

/// <summary>Reassembly by byte_idx, without sockets: splits, gaps, reordering, duplicates, late and corrupt indices.</summary>
public sealed class StreamReassemblerTests
{
    private const int Channels = 2;

    private sealed class Rig
    {
        public Rig(SampleType type, double reorderSeconds = 0.01)
        {
            Buffer = new ReceiveBuffer(Channels, 1, 64);
            Stats = new ReceiveStatistics();
            Reassembler = new StreamReassembler(Buffer, Stats, Channels, 2048, measureJitter: true);
            Reassembler.Reset(type, 48_000, reorderSeconds, 1.0);
        }

        public ReceiveBuffer Buffer { get; }

        public ReceiveStatistics Stats { get; }

        public StreamReassembler Reassembler { get; }

        /// <summary>Everything buffered, interleaved.</summary>
        public float[] Drain()
        {
            var result = new List<float>();
            var block = new AudioBuffer(Channels, 64);
            while (Buffer.FillFrames > 0)
            {
                int n = Math.Min(64, Buffer.FillFrames);
                Buffer.Read(block, n);
                for (int f = 0; f < n; f++)
                {
                    for (int c = 0; c < Channels; c++)
                    {
                        result.Add(block.Samples[(c * 64) + f]);
                    }
                }
            }

            return [.. result];
        }
    }

    private static (float[] Samples, byte[] Wire) Signal(SampleType type, int frames)
    {
        var samples = new float[frames * Channels];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)Math.Sin(i * 0.01) * 0.8f;
        }

        var wire = new byte[samples.Length * type.BytesPerSample()];
        SampleFormatConverter.EncodeSamples(type.ToSampleFormat(), samples, wire);
        var quantised = new float[samples.Length];
        SampleFormatConverter.DecodeSamples(type.ToSampleFormat(), wire, quantised);
        return (quantised, wire);
    }

    [Theory]
    [InlineData(SampleType.F32, 1)]
    [InlineData(SampleType.I24, 7)]
    [InlineData(SampleType.U8, 3)]
    [InlineData(SampleType.F64, 13)]
    [InlineData(SampleType.I16, 100)]
    public void Payloads_split_anywhere_reassemble_exactly(SampleType type, int chunk)
    {
        (float[] expected, byte[] wire) = Signal(type, 200);
        var rig = new Rig(type);
        for (int offset = 0; offset < wire.Length; offset += chunk)
        {
            int n = Math.Min(chunk, wire.Length - offset);
            rig.Reassembler.Accept((ulong)offset, wire.AsSpan(offset, n), 0);
        }

        Assert.Equal(expected, rig.Drain());
        Assert.Equal(0, rig.Stats.LostBytes);
    }

    [Fact]
    public void A_lost_datagram_is_concealed_with_whole_silent_frames()
    {
        SampleType type = SampleType.I16; // 4 bytes per frame
        (float[] expected, byte[] wire) = Signal(type, 100);
        var rig = new Rig(type, reorderSeconds: 0);
        rig.Reassembler.Accept(0, wire.AsSpan(0, 42), 0);      // 10.5 frames
        rig.Reassembler.Accept(60, wire.AsSpan(60, 340), 1);   // 42..60 lost: frames 10..14 concealed
        rig.Reassembler.FlushExpired(2);
        float[] got = rig.Drain();
        Assert.Equal(100 * Channels, got.Length);
        Assert.Equal(expected.AsSpan(0, 10 * Channels).ToArray(), got.AsSpan(0, 10 * Channels).ToArray());
        Assert.All(got.AsSpan(10 * Channels, 5 * Channels).ToArray(), s => Assert.Equal(0f, s));
        Assert.Equal(expected.AsSpan(15 * Channels).ToArray(), got.AsSpan(15 * Channels).ToArray());
        Assert.Equal(18, rig.Stats.LostBytes);
        Assert.Equal(1, rig.Stats.Gaps);
    }

    [Fact]
    public void Reordered_datagrams_within_the_window_are_put_back_in_order()
    {
        (float[] expected, byte[] wire) = Signal(SampleType.F32, 120);
        var rig = new Rig(SampleType.F32, reorderSeconds: 10);
        int[] order = [0, 2, 1, 3, 5, 4, 6, 7, 9, 8, 11, 10];
        foreach (int i in order)
        {
            rig.Reassembler.Accept((ulong)(i * 80), wire.AsSpan(i * 80, 80), 0);
        }

        Assert.Equal(expected, rig.Drain());
        Assert.Equal(0, rig.Stats.LostBytes);
        Assert.Equal(4, rig.Stats.Reordered);
    }

    [Fact]
    public void Duplicates_and_late_datagrams_are_dropped_and_counted()
    {
        (float[] expected, byte[] wire) = Signal(SampleType.F32, 40);
        var rig = new Rig(SampleType.F32, reorderSeconds: 0);
        rig.Reassembler.Accept(0, wire.AsSpan(0, 80), 0);
        rig.Reassembler.Accept(0, wire.AsSpan(0, 80), 0);            // duplicate
        rig.Reassembler.Accept(160, wire.AsSpan(160, 80), 0);        // 80..160 missing
        rig.Reassembler.FlushExpired(1);                             // window 0: concealed
        rig.Reassembler.Accept(80, wire.AsSpan(80, 80), 2);          // late
        rig.Reassembler.Accept(240, wire.AsSpan(240, 80), 2);
        rig.Reassembler.Accept(240, wire.AsSpan(240, 80), 2);        // duplicate
        Assert.Equal(2, rig.Stats.Duplicates);
        Assert.Equal(1, rig.Stats.Late);
        Assert.Equal(80, rig.Stats.LateBytes);
        Assert.Equal(80, rig.Stats.LostBytes);
        float[] got = rig.Drain();
        Assert.Equal(40 * Channels, got.Length);
        Assert.Equal(expected.AsSpan(40).ToArray(), got.AsSpan(40).ToArray());
        Assert.All(got.AsSpan(20, 20).ToArray(), s => Assert.Equal(0f, s));
    }

    [Fact]
    public void An_implausible_jump_is_dropped_not_concealed()
    {
        (_, byte[] wire) = Signal(SampleType.F32, 40);
        var rig = new Rig(SampleType.F32, reorderSeconds: 0);
        rig.Reassembler.Accept(0, wire.AsSpan(0, 80), 0);
        rig.Reassembler.Accept(1UL << 40, wire.AsSpan(80, 80), 0); // a corrupted byte_idx
        rig.Reassembler.Accept(ulong.MaxValue - 10, wire.AsSpan(80, 80), 0); // would overflow
        rig.Reassembler.Accept(80, wire.AsSpan(80, 80), 0);
        Assert.Equal(2, rig.Stats.Implausible);
        Assert.Equal(0, rig.Stats.LostBytes);
        Assert.Equal(160UL, rig.Reassembler.NextByteIndex);
    }

    [Fact]
    public void Reassembly_allocates_nothing()
    {
        (_, byte[] wire) = Signal(SampleType.I24, 400);
        var rig = new Rig(SampleType.I24, reorderSeconds: 0);
        var block = new AudioBuffer(Channels, 64);
        for (int warm = 0; warm < 2; warm++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            rig.Reassembler.Reset(SampleType.I24, 48_000, 0, 1);
            for (int offset = 0; offset < wire.Length; offset += 100)
            {
                if (offset % 700 == 0)
                {
                    continue; // losses
                }

                rig.Reassembler.Accept((ulong)offset, wire.AsSpan(offset, Math.Min(100, wire.Length - offset)), offset);
                rig.Reassembler.FlushExpired(offset + 1);
                while (rig.Buffer.FillFrames >= 64)
                {
                    rig.Buffer.Read(block, 64);
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (warm == 1)
            {
                Assert.Equal(0, allocated);
            }
        }
    }
}
