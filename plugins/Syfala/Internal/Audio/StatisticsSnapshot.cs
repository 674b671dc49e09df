using SyfalaGraph.Plugins.Syfala.Nodes;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

/// <summary>Builds the public <see cref="SyfalaStatistics"/> from an <see cref="AudioPath"/>.</summary>
internal static class StatisticsSnapshot
{
    public static SyfalaStatistics Take(AudioPath audio, long malformedControl)
    {
        ReceiveStatistics s = audio.Statistics;
        ChaosLine c = audio.Sender.Chaos;
        return new SyfalaStatistics(
            Volatile.Read(ref s.Datagrams), Volatile.Read(ref s.Bytes), Volatile.Read(ref s.AudioDatagrams), Volatile.Read(ref s.AudioPayloadBytes),
            Volatile.Read(ref c.Sent), Volatile.Read(ref c.SentBytes),
            Volatile.Read(ref s.LostBytes), Volatile.Read(ref s.Gaps), Volatile.Read(ref s.ConcealedFrames),
            Volatile.Read(ref s.Late), Volatile.Read(ref s.Duplicates), Volatile.Read(ref s.Reordered),
            Volatile.Read(ref s.Malformed) + malformedControl, Volatile.Read(ref s.UnknownPeer), Volatile.Read(ref s.NotRunning),
            Volatile.Read(ref s.BadStream), Volatile.Read(ref s.LengthMismatch), Volatile.Read(ref s.Implausible),
            Volatile.Read(ref s.RejectedJumps), Volatile.Read(ref s.Resyncs), Volatile.Read(ref s.ControlDropped),
            s.JitterSeconds * 1000.0,
            audio.ReceiveBuffers.Count > 0 ? audio.ReceiveBuffers[0].FillFrames : 0,
            audio.ReceiveBuffers.Count > 0 ? audio.ReceiveBuffers[0].CurrentTargetFrames : 0,
            audio.ReceiveBuffers.Count > 0 ? audio.ReceiveBuffers[0].Bridge?.RatioPpm ?? 0 : 0,
            audio.Underflows, audio.StarvedBlocks, audio.SendOverflows,
            Volatile.Read(ref c.Dropped), Volatile.Read(ref c.DroppedPayloadBytes), Volatile.Read(ref c.Duplicated),
            Volatile.Read(ref c.Corrupted), Volatile.Read(ref c.Reordered));
    }
}
