using System.Diagnostics;
using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Plugins.Syfala.Tests.Support;

namespace SyfalaGraph.Plugins.Syfala.Tests.Protocol;

/// <summary>
/// A million datagrams — mutated golden vectors (bit flips, truncations, extensions, splices) and random bytes up to
/// 2 KiB — through both decoders, with a fixed seed: nothing throws, rejected and non-Connect datagrams allocate
/// nothing, and a Connect allocates at most in proportion to the formats it returned.
/// </summary>
// CPU-heavy: never alongside the real-time loopback tests (same collection = run one after the other).
[Collection("Loopback")]
public sealed class DecoderFuzzTests
{
    private const int Iterations = 1_000_000;
    private const int MaxLength = 2048;

    [Fact]
    public void A_million_hostile_datagrams_neither_throw_nor_allocate_beyond_validated_formats()
    {
        byte[][] corpus =
        [
            .. GoldenData.WireVectors.Select(v => Convert.FromHexString(v.Hex)),
            .. GoldenData.DecodeCases.Select(c => Convert.FromHexString(c.Hex)),
            Convert.FromHexString("0040" + string.Concat(Enumerable.Repeat("0000000000007ce540" + "ffffffff0f" + "ffffffff0f" + "07", 64)) + "00"),
        ];
        var random = new Random(20_250_101);
        var buffer = new byte[MaxLength + 64];
        var cobs = new CobsFrameDecoder(512);
        var stats = new int[8];
        long worstConnectExcess = 0;
        int allocatingRejects = 0, allocatingNonConnect = 0;
        var clock = Stopwatch.StartNew();

        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            int length = Mutate(random, corpus, buffer);
            ReadOnlySpan<byte> datagram = buffer.AsSpan(0, length);

            long before = GC.GetAllocatedBytesForCurrentThread();
            bool clientOk = SyfalaCodec.TryDecodeClient(datagram, out ClientMessage client, out int clientConsumed, out DecodeError clientError);
            long clientAllocated = GC.GetAllocatedBytesForCurrentThread() - before;

            SyfalaLimits limits = (iteration & 1) == 0 ? SyfalaLimits.Default : SyfalaLimits.Unbounded;
            before = GC.GetAllocatedBytesForCurrentThread();
            bool serverOk = SyfalaCodec.TryDecodeServer(datagram, limits, out ServerMessage server, out int serverConsumed, out DecodeError serverError);
            long serverAllocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // The runtime may allocate once on whatever call is running (tier-up, type loading): a datagram
            // counts as allocating only if decoding it again allocates too.
            if (clientAllocated != 0)
            {
                before = GC.GetAllocatedBytesForCurrentThread();
                SyfalaCodec.TryDecodeClient(datagram, out _, out _, out _);
                clientAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            if (serverAllocated != 0 && !(serverOk && server.Kind == ServerMessageKind.Connect))
            {
                before = GC.GetAllocatedBytesForCurrentThread();
                SyfalaCodec.TryDecodeServer(datagram, limits, out _, out _, out _);
                serverAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            if (clientAllocated != 0)
            {
                allocatingNonConnect++;
            }

            if (serverOk && server.Kind == ServerMessageKind.Connect)
            {
                int formats = server.Formats!.Inputs.Length + server.Formats.Outputs.Length;
                long bound = 128 + (formats * 24L) + (formats > 0 ? 64 : 0);
                if (serverAllocated > bound)
                {
                    // Same rule as above: a one-time runtime allocation is not the decoder's; measure again.
                    before = GC.GetAllocatedBytesForCurrentThread();
                    SyfalaCodec.TryDecodeServer(datagram, limits, out _, out _, out _);
                    serverAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
                }

                worstConnectExcess = Math.Max(worstConnectExcess, serverAllocated - bound);
                Assert.True(serverConsumed <= length);
                stats[7]++;
            }
            else if (serverAllocated != 0)
            {
                if (serverOk)
                {
                    allocatingNonConnect++;
                }
                else
                {
                    allocatingRejects++;
                }
            }

            // Consistency: success ⇔ no error; consumed within the datagram.
            if (clientOk != (clientError == DecodeError.None) || serverOk != (serverError == DecodeError.None) ||
                clientConsumed > length || serverConsumed > length ||
                (clientOk && client.Kind == ClientMessageKind.Audio && client.Payload.Length != length - clientConsumed))
            {
                Assert.Fail($"inconsistent result at iteration {iteration}: {Convert.ToHexStringLower(datagram)}");
            }

            stats[clientOk ? 0 : 1]++;
            stats[serverOk ? 2 : 3]++;

            // The stream decoder sees the same bytes; it must never throw nor return an oversized frame.
            ReadOnlySpan<byte> rest = datagram;
            while (!rest.IsEmpty)
            {
                cobs.Decode(rest, out int used, out ReadOnlySpan<byte> frame);
                Assert.True(frame.Length <= cobs.MaxFrameLength);
                rest = rest[used..];
            }
        }

        clock.Stop();
        Assert.Equal(0, allocatingNonConnect);
        Assert.Equal(0, allocatingRejects);
        Assert.True(worstConnectExcess <= 0, $"a Connect allocated {worstConnectExcess} bytes beyond its bound");

        // The mutations must reach both outcomes on both sides, and real Connects.
        Assert.True(stats[0] > 10_000 && stats[1] > 10_000, $"client ok/rejected: {stats[0]}/{stats[1]}");
        Assert.True(stats[2] > 10_000 && stats[3] > 10_000, $"server ok/rejected: {stats[2]}/{stats[3]}");
        Assert.True(stats[7] > 1_000, $"only {stats[7]} Connects decoded");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"fuzz run took {clock.Elapsed}");
    }

    /// <summary>Writes one test datagram into <paramref name="buffer"/> and returns its length (≤ 2 KiB + a little).</summary>
    private static int Mutate(Random random, byte[][] corpus, byte[] buffer)
    {
        byte[] seed = corpus[random.Next(corpus.Length)];
        int length = seed.Length;
        seed.CopyTo(buffer, 0);
        switch (random.Next(6))
        {
            case 0: // bit flips
                if (length > 0)
                {
                    for (int flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
                    }
                }

                break;
            case 1: // truncation
                length = random.Next(length + 1);
                break;
            case 2: // extension with random bytes
                int extra = random.Next(1, 64);
                random.NextBytes(buffer.AsSpan(length, extra));
                length += extra;
                break;
            case 3: // random datagram up to 2 KiB (first byte biased toward defined variants)
                length = random.Next(MaxLength + 1);
                random.NextBytes(buffer.AsSpan(0, length));
                if (length > 0 && random.Next(2) == 0)
                {
                    buffer[0] = (byte)random.Next(11);
                }

                break;
            case 4: // overwrite a byte with a varint-hostile value
                if (length > 0)
                {
                    byte[] hostile = [0x00, 0x01, 0x0f, 0x10, 0x7f, 0x80, 0xff];
                    buffer[random.Next(length)] = hostile[random.Next(hostile.Length)];
                }

                break;
            default: // splice: keep a prefix, append the tail of another seed
                byte[] other = corpus[random.Next(corpus.Length)];
                int cut = random.Next(length + 1);
                int from = random.Next(other.Length + 1);
                int tail = Math.Min(other.Length - from, MaxLength - cut);
                other.AsSpan(from, tail).CopyTo(buffer.AsSpan(cut));
                length = cut + tail;
                break;
        }

        return length;
    }
}
