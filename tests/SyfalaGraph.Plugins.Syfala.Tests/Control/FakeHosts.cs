using System.Net;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Control;

/// <summary>Records what the server state machine does, instead of sockets and audio threads.</summary>
internal sealed class FakeServerHost : IServerProtocolHost
{
    public List<(IPEndPoint To, ServerMessageKind Kind)> Sent { get; } = [];

    public List<(ProtocolEvent Event, IPEndPoint Peer, int Number)> Reports { get; } = [];

    public List<string> Log { get; } = [];

    public bool AllowStart { get; set; } = true;

    public Dictionary<IPEndPoint, long> Audio { get; } = [];

    public void Send(IPEndPoint client, ServerMessageKind kind)
    {
        Sent.Add((client, kind));
        Log.Add($"send {kind}");
    }

    public bool TryStartAudio(IPEndPoint client)
    {
        Log.Add("start audio");
        return AllowStart;
    }

    public void StartSending(IPEndPoint client) => Log.Add("start sending");

    public void StopAudio(IPEndPoint client) => Log.Add("stop audio");

    public void EndSession(IPEndPoint client) => Log.Add("end session");

    public long LastAudioMs(IPEndPoint client) => Audio.TryGetValue(client, out long t) ? t : long.MinValue;

    public void Report(ProtocolEvent protocolEvent, IPEndPoint peer, int peerNumber, string detail) => Reports.Add((protocolEvent, peer, peerNumber));

    public IEnumerable<ServerMessageKind> SentTo(IPEndPoint client) => Sent.Where(s => s.To.Equals(client)).Select(s => s.Kind);
}

/// <summary>Records what the client state machine does.</summary>
internal sealed class FakeClientHost : IClientProtocolHost
{
    public List<string> Log { get; } = [];

    public List<(ProtocolEvent Event, string Detail)> Reports { get; } = [];

    public Func<StreamFormats, string?> Check { get; set; } = _ => null;

    public long AudioMs { get; set; } = long.MinValue;

    public int Discoveries { get; private set; }

    public List<(long Ms, ClientMessageKind Kind)> Sent { get; } = [];

    public long Now { get; set; }

    public void SendDiscovery()
    {
        Discoveries++;
        Log.Add("discovery");
    }

    public void Send(IPEndPoint server, ClientMessageKind kind)
    {
        Sent.Add((Now, kind));
        Log.Add($"send {kind}");
    }

    public string? CheckFormats(StreamFormats formats) => Check(formats);

    public void PrepareAudio(IPEndPoint server, StreamFormats formats) => Log.Add("prepare audio");

    public void StartSending() => Log.Add("start sending");

    public void StopAudio() => Log.Add("stop audio");

    public long LastAudioMs() => AudioMs;

    public void Report(ProtocolEvent protocolEvent, IPEndPoint? peer, int peerNumber, string detail) => Reports.Add((protocolEvent, detail));
}
