using System.Diagnostics;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Dsp.Formats;
using SyfalaGraph.Plugins.Syfala.Internal.Audio;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Audio;

/// <summary>
/// Reassembly by byte_idx, without sockets: splits, gaps, reordering, duplicates, late and corrupt indices, and jumps
/// of byte_idx that are forged (rejected) or real (a peer that restarted: followed within the confirmation bound).
/// </summary>
public sealed class StreamReassemblerTests
{
    private const int Channels = 2;

    private sealed class Rig
    {
        public Rig(SampleType type, double reorderSeconds = 0.01, double reachSeconds = 1.0)
        {
            Buffer = new ReceiveBuffer(Channels, 1, 64);
            Stats = new ReceiveStatistics();
            Reassembler = new StreamReassembler(Buffer, Stats, Channels, 2048, measureJitter: true);
            Reassembler.Reset(type, 48_000, reorderSeconds, reachSeconds);
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

    // A live stream as AudioPath sets it up by default: F32 stereo, 64 frames (512 bytes) a datagram every 1⅓ ms, a
    // 5 ms reorder wait and a 100 ms reach (latency_frames 512).
    private const int DatagramBytes = 64 * Channels * 4;
    private const double Period = 64 / 48_000.0;

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static Rig LiveRig() => new(SampleType.F32, reorderSeconds: 0.005, reachSeconds: 0.1);

    /// <summary>Sends datagram <paramref name="i"/> of <paramref name="wire"/> at byte_idx base + its offset.</summary>
    private static void SendReal(Rig rig, byte[] wire, int i, ulong baseIndex, double seconds) =>
        rig.Reassembler.Accept(baseIndex + (ulong)(i * DatagramBytes), wire.AsSpan(i * DatagramBytes, DatagramBytes), Ticks(seconds));

    [Theory]
    [InlineData(1)]   // all 64 forged datagrams in one burst between two real ones
    [InlineData(3)]   // one forged datagram every third real one: the forged run spans 256 ms, but the real stream interleaves
    public void Sixty_four_datagrams_forged_at_byte_idx_plus_2_pow_40_are_rejected_while_the_real_stream_continues(int spacing)
    {
        (float[] expected, byte[] wire) = Signal(SampleType.F32, 64 * 1000);
        var rig = LiveRig();
        var got = new List<float>();
        int forged = 0;
        for (int i = 0; i < 1000; i++)
        {
            double t = i * Period;
            SendReal(rig, wire, i, 0, t);
            for (int k = 0; k < (spacing == 1 ? 64 : 1) && i >= 100 && forged < 64 && (i - 100) % spacing == 0; k++)
            {
                // Contiguous among themselves, as an attacker replaying the stream 2^40 bytes ahead would send them.
                rig.Reassembler.Accept((1UL << 40) + (ulong)(i * DatagramBytes) + (ulong)(forged * DatagramBytes), new byte[DatagramBytes], Ticks(t + 1e-5));
                forged++;
            }

            rig.Reassembler.FlushExpired(Ticks(t + 2e-5));
            got.AddRange(rig.Drain());
        }

        Assert.Equal(64, forged);
        Assert.Equal(0, rig.Stats.Resyncs);
        Assert.Equal(64, rig.Stats.Implausible);
        Assert.Equal(spacing == 1 ? 1 : 64, rig.Stats.RejectedJumps);
        Assert.Equal(0, rig.Stats.Late + rig.Stats.Gaps + rig.Stats.LostBytes);
        Assert.Equal(1000, rig.Stats.AudioDatagrams);
        Assert.Equal((ulong)(1000 * DatagramBytes), rig.Reassembler.NextByteIndex);
        Assert.Equal(expected, got.ToArray()); // every real sample played, none of the forged ones
    }

    [Theory]
    [InlineData(48_000)] // +1 s: off the stream (beyond the 100 ms reach)
    [InlineData(2_432)]  // +50.7 ms (38 datagrams): within the reach, parked ahead of a stream that keeps arriving
    public void Six_datagrams_forged_ahead_of_a_live_stream_open_no_gap(int framesAhead)
    {
        (float[] expected, byte[] wire) = Signal(SampleType.F32, 64 * 1500);
        var rig = LiveRig();
        var got = new List<float>();
        var forgedAt = new List<int>();
        for (int i = 0; i < 1500; i++)
        {
            double t = i * Period;
            SendReal(rig, wire, i, 0, t);
            if (i > 0 && i <= 900 && i % 150 == 0)
            {
                // Aligned on a real datagram, as a forger who knows the stream's layout would send it.
                ulong at = (ulong)((i + 1) * DatagramBytes) + (ulong)(framesAhead * Channels * 4);
                rig.Reassembler.Accept(at, new byte[DatagramBytes], Ticks(t + 1e-5));
                forgedAt.Add((int)(at / DatagramBytes));
            }

            rig.Reassembler.FlushExpired(Ticks(t + 2e-5));
            got.AddRange(rig.Drain());
        }

        Assert.Equal(6, forgedAt.Count);
        Assert.Equal(0, rig.Stats.Gaps + rig.Stats.LostBytes + rig.Stats.Late + rig.Stats.Resyncs);
        Assert.Equal((ulong)(1500 * DatagramBytes), rig.Reassembler.NextByteIndex);
        float[] played = got.ToArray();
        Assert.Equal(expected.Length, played.Length);
        if (framesAhead > 4800)
        {
            Assert.Equal(6, rig.Stats.Implausible);
            Assert.Equal(expected, played);
            return;
        }

        // Within the reach a forged datagram takes the place of the real one at its index (which then counts as a
        // duplicate): content replaced, not a gap. Nothing unauthenticated can prevent that (README, threat model).
        Assert.Equal(6, rig.Stats.Duplicates);
        Assert.Equal(0, rig.Stats.Implausible);
        int floatsPerDatagram = DatagramBytes / 4;
        for (int d = 0; d < 1500; d++)
        {
            float[] want = forgedAt.Contains(d) ? new float[floatsPerDatagram] : expected.AsSpan(d * floatsPerDatagram, floatsPerDatagram).ToArray();
            Assert.Equal(want, played.AsSpan(d * floatsPerDatagram, floatsPerDatagram).ToArray());
        }
    }

    [Theory]
    [InlineData(0UL, 1500)]            // the peer restarted its stream at byte 0 (backwards) after 2 s
    [InlineData(0UL, 100)]             // after 133 ms: its first datagrams are off the stream, then only late
    [InlineData(480_000UL * 8, 1500)]  // or 10 s ahead (forwards)
    public void A_peer_that_restarts_elsewhere_is_followed_within_the_confirmation_bound(ulong restartAt, int oldDatagrams)
    {
        (float[] expected, byte[] wire) = Signal(SampleType.F32, 64 * 2000);
        var rig = LiveRig();
        for (int i = 0; i < oldDatagrams; i++)
        {
            SendReal(rig, wire, i, 0, i * Period);
            rig.Drain();
        }

        double restart = oldDatagrams * Period;
        double followedAt = double.NaN;
        int firstFollowed = -1;
        var got = new List<float>();
        for (int i = 0; i < 500; i++)
        {
            double t = restart + (i * Period);
            SendReal(rig, wire, i, restartAt, t);
            rig.Reassembler.FlushExpired(Ticks(t + 1e-5));
            if (firstFollowed < 0 && rig.Stats.Resyncs == 1)
            {
                followedAt = t - restart;
                firstFollowed = i;
            }

            got.AddRange(rig.Drain());
        }

        Assert.Equal(1, rig.Stats.Resyncs);
        Assert.Equal(0, rig.Stats.RejectedJumps);
        // The datagrams before the confirmation were dropped: off the stream, and within the reach behind it late or,
        // where their indices are still in the history, duplicates.
        Assert.Equal(firstFollowed, rig.Stats.Implausible + rig.Stats.Late + rig.Stats.Duplicates);
        Assert.True(oldDatagrams < 200 ? rig.Stats.Late + rig.Stats.Duplicates > 0 : rig.Stats.Late + rig.Stats.Duplicates == 0);
        Assert.InRange(followedAt, StreamReassembler.ConfirmSeconds, StreamReassembler.ConfirmSeconds + Period + 1e-6);
        Assert.Equal(restartAt + (ulong)(500 * DatagramBytes), rig.Reassembler.NextByteIndex);
        Assert.Equal(0, rig.Stats.Gaps + rig.Stats.LostBytes);
        int from = firstFollowed * DatagramBytes / 4;
        Assert.Equal(expected.AsSpan(from, (500 * DatagramBytes / 4) - from).ToArray(), got.ToArray());
    }

    [Fact]
    public void A_forged_jump_confirmed_while_the_real_stream_was_silenced_is_won_back_once_it_returns()
    {
        // The attacker an unauthenticated protocol cannot stop (it drops the real stream for 100 ms and sends its own):
        // the stream follows it; once the forgery stops and the real stream comes back, the real one is followed again.
        (_, byte[] wire) = Signal(SampleType.F32, 64 * 1000);
        var rig = LiveRig();
        int i = 0;
        for (; i < 200; i++)
        {
            SendReal(rig, wire, i, 0, i * Period);
        }

        for (int k = 0; k < 100; k++, i++)
        {
            rig.Reassembler.Accept((1UL << 40) + (ulong)(k * DatagramBytes), new byte[DatagramBytes], Ticks(i * Period));
        }

        Assert.Equal(1, rig.Stats.Resyncs);
        for (; i < 600; i++)
        {
            SendReal(rig, wire, i, 0, i * Period);
            rig.Drain();
        }

        Assert.Equal(2, rig.Stats.Resyncs);
        Assert.Equal((ulong)(600 * DatagramBytes), rig.Reassembler.NextByteIndex);
    }

    [Fact]
    public void Rejecting_and_following_jumps_allocates_nothing()
    {
        (_, byte[] wire) = Signal(SampleType.F32, 64 * 400);
        var rig = LiveRig();
        var forged = new byte[DatagramBytes];
        var block = new AudioBuffer(Channels, 64);
        for (int warm = 0; warm < 2; warm++)
        {
            rig.Reassembler.Reset(SampleType.F32, 48_000, 0.005, 0.1);
            long resyncs = rig.Stats.Resyncs, rejected = rig.Stats.RejectedJumps;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 400; i++)
            {
                double t = i * Period;
                // 0–99: real, with a forged burst at + 2^40 (rejected); 100–399: the peer restarts at 0 (followed).
                SendReal(rig, wire, i < 100 ? i : i - 100, 0, t);
                if (i == 50)
                {
                    for (int k = 0; k < 64; k++)
                    {
                        rig.Reassembler.Accept((1UL << 40) + (ulong)(k * DatagramBytes), forged, Ticks(t));
                    }
                }

                rig.Reassembler.FlushExpired(Ticks(t));
                while (rig.Buffer.FillFrames >= 64)
                {
                    rig.Buffer.Read(block, 64);
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(resyncs + 1, rig.Stats.Resyncs);
            Assert.Equal(rejected + 1, rig.Stats.RejectedJumps);
            if (warm == 1)
            {
                Assert.Equal(0, allocated);
            }
        }
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
