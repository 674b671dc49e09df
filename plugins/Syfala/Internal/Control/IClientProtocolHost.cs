using System.Net;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Control;

/// <summary>What <see cref="ClientProtocol"/> asks of its node (or of a test double).</summary>
internal interface IClientProtocolHost
{
    /// <summary>Sends Discovery to the configured server, or broadcasts it.</summary>
    void SendDiscovery();

    /// <summary>Sends a control message to the server.</summary>
    void Send(IPEndPoint server, ClientMessageKind kind);

    /// <summary>Null when the node can handle <paramref name="formats"/>; otherwise why not (for the report).</summary>
    string? CheckFormats(StreamFormats formats);

    /// <summary>Readies the audio threads for a session with <paramref name="server"/> (receiver accepts its audio at once; nothing is sent yet).</summary>
    void PrepareAudio(IPEndPoint server, StreamFormats formats);

    /// <summary>Starts sending audio (the server answered StartIOSuccess).</summary>
    void StartSending();

    /// <summary>Stops audio both ways; the outputs go silent.</summary>
    void StopAudio();

    /// <summary>ms time of the last audio datagram from the server, or long.MinValue.</summary>
    long LastAudioMs();

    /// <summary>Reports a state change (logged and published as an event).</summary>
    void Report(ProtocolEvent protocolEvent, IPEndPoint? peer, int peerNumber, string detail);
}
