using System.Diagnostics.Metrics;
using SyfalaGraph.Plugins.Syfala.Nodes;

namespace SyfalaGraph.Plugins.Syfala.Internal;

// Design: a node's counters as System.Diagnostics.Metrics instruments. All are observable: they read the node's
// statistics snapshot when a listener collects (off every audio thread), so the audio, sender and receiver threads
// never touch the Meter. The Meter is owned by the node and disposed with it (as MeterNode does), and every
// measurement is tagged with the node id and the current peer.

/// <summary>Observable instruments over a Syfala node's <see cref="SyfalaStatistics"/>.</summary>
internal sealed class SyfalaNodeMetrics : IDisposable
{
    /// <summary>The meter name (shared with the engine's and the meter node's instruments).</summary>
    public const string MeterName = "SyfalaGraph";

    private readonly Meter _meter;
    private readonly Func<SyfalaStatistics> _statistics;
    private readonly Func<string> _peer;
    private readonly string _nodeId;

    /// <param name="factory">Scope of the meter; optional.</param>
    /// <param name="nodeId">Tag <c>node</c>.</param>
    /// <param name="statistics">Reads the node's counters (at collection, off the audio threads).</param>
    /// <param name="peer">Tag <c>peer</c>: the current peer.</param>
    /// <param name="admission">A server: also publish <c>syfala.refused</c> (its admission counters, tagged <c>reason</c>).</param>
    public SyfalaNodeMetrics(IMeterFactory? factory, string nodeId, Func<SyfalaStatistics> statistics, Func<string> peer, bool admission = false)
    {
        _meter = new Meter(new MeterOptions(MeterName) { Scope = factory });
        _nodeId = nodeId;
        _statistics = statistics;
        _peer = peer;
        Counter("syfala.datagrams.received", s => s.DatagramsReceived, "{datagram}", "Datagrams received (control and audio)");
        Counter("syfala.bytes.received", s => s.BytesReceived, "By", "Bytes received");
        Counter("syfala.datagrams.sent", s => s.DatagramsSent, "{datagram}", "Audio datagrams sent");
        Counter("syfala.bytes.sent", s => s.BytesSent, "By", "Audio bytes sent, headers included");
        Counter("syfala.lost", s => s.LostBytes, "By", "Stream bytes lost and concealed with silence");
        Counter("syfala.late", s => s.Late, "{datagram}", "Audio datagrams that arrived too late");
        Counter("syfala.duplicates", s => s.Duplicates, "{datagram}", "Audio datagrams received twice");
        Counter("syfala.reordered", s => s.Reordered, "{datagram}", "Audio datagrams put back in order");
        Counter("syfala.malformed", s => s.Malformed, "{datagram}", "Datagrams that did not decode");
        Counter("syfala.underflows", s => s.Underflows, "{read}", "Jitter-buffer underflows (silence inserted)");
        Counter("syfala.starved_blocks", s => s.StarvedBlocks, "{block}", "Blocks played as silence for want of received audio");
        Counter("syfala.off_stream", s => s.Implausible, "{datagram}", "Audio datagrams off the current stream (byte_idx too far ahead or behind), dropped");
        Counter("syfala.jumps.rejected", s => s.RejectedJumps, "{jump}", "Jumps of byte_idx not believed (the current stream kept arriving)");
        Counter("syfala.resyncs", s => s.Resyncs, "{jump}", "Jumps of byte_idx believed (confirmed by the datagrams that followed)");
        if (admission)
        {
            _meter.CreateObservableCounter("syfala.refused", Refused, "{message}",
                "Messages the server ignored or refused and sessions it ended by its admission policy, by reason");
        }
        _meter.CreateObservableGauge("syfala.jitter", () => Measure(s => s.JitterMs), "ms", "RFC 3550 interarrival jitter");
        _meter.CreateObservableGauge("syfala.jitter_buffer.fill", () => Measure(s => (double)s.JitterBufferFillFrames), "{frame}", "Frames in the jitter buffer");
        _meter.CreateObservableGauge("syfala.jitter_buffer.target", () => Measure(s => s.JitterBufferTargetFrames), "{frame}", "Depth the jitter buffer holds (adaptive: what the arrival timing needs)");
        _meter.CreateObservableGauge("syfala.resample.ratio", () => Measure(s => s.ResampleRatioPpm), "ppm", "Resampling ratio minus 1: the peer's clock against ours");
    }

    public Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();

    private void Counter(string name, Func<SyfalaStatistics, long> value, string unit, string description) =>
        _meter.CreateObservableCounter(name, () => new Measurement<long>(value(_statistics()), Tags()), unit, description);

    private IEnumerable<Measurement<long>> Refused()
    {
        SyfalaStatistics s = _statistics();
        return
        [
            Tagged(s.IgnoredUnknownPeer, "unknown_peer"), Tagged(s.RefusedNotAllowed, "not_allowed"), Tagged(s.RefusedMaxClients, "max_clients"),
            Tagged(s.RefusedPerAddress, "max_clients_per_address"), Tagged(s.RefusedHeldOff, "held_off"), Tagged(s.IdleEvicted, "idle_evicted"),
            Tagged(s.TakeoverRefused, "takeover_refused"), Tagged(s.TakenOver, "taken_over"), Tagged(s.HandshakesAbandoned, "handshake_abandoned"),
            Tagged(s.TcpRefused, "tcp_refused"),
        ];
    }

    private Measurement<long> Tagged(long value, string reason) => new(value, [new("node", _nodeId), new("peer", _peer()), new("reason", reason)]);

    private Measurement<double> Measure(Func<SyfalaStatistics, double> value) => new(value(_statistics()), Tags());

    private KeyValuePair<string, object?>[] Tags() => [new("node", _nodeId), new("peer", _peer())];
}
