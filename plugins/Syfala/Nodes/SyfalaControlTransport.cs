namespace SyfalaGraph.Plugins.Syfala.Nodes;

/// <summary>How control messages travel (audio always travels over UDP).</summary>
public enum SyfalaControlTransport
{
    /// <summary>One datagram per message on the audio UDP socket (wire-compatible with the reference).</summary>
    Udp = 0,

    /// <summary>COBS-framed postcard messages over a TCP connection to the same port number.</summary>
    Tcp = 1,
}
