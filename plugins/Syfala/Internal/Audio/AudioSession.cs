using System.Net;
using System.Net.Sockets;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

/// <summary>
/// One I/O session as the audio threads see it: the peer, the wire formats and a generation number. The control
/// plane publishes a new immutable instance (one reference write); each thread notices the new generation, resets
/// its per-stream state (byte indices back to 0, rings anchored) and acknowledges it.
/// </summary>
/// <param name="Generation">Increases with every session.</param>
/// <param name="Peer">The peer's address (compared with each datagram's source; not mutated after publication).</param>
/// <param name="SendFormats">Wire formats of the streams this side sends (index = stream_idx).</param>
/// <param name="ReceiveFormats">Wire formats of the streams this side receives.</param>
/// <param name="Sending">Whether the sender thread sends (false while StartIO awaits its answer).</param>
/// <param name="SendConverters">
/// Per sent stream, the converter from the graph's rate to the stream's, or null where they are equal (all null
/// unless a client with <c>resample: true</c> faces a server at another rate). Used by the sender thread only.
/// </param>
internal sealed record AudioSession(int Generation, SocketAddress Peer, StreamFormat[] SendFormats, StreamFormat[] ReceiveFormats, bool Sending,
    RateConverter?[] SendConverters);
