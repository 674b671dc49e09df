using System.Diagnostics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.Syfala.Nodes;

namespace SyfalaGraph.Plugins.Syfala.Tests.Nodes;

/// <summary>Records events with the time they were published (preallocated: publishing never allocates).</summary>
internal sealed class TimedEventSink : INodeEventSink
{
    private readonly NodeEvent[] _events = new NodeEvent[4096];
    private readonly long[] _ticks = new long[4096];
    private int _count;

    public NodeEventWriter Writer(string id) => new(id, this);

    public bool TryPublish(in NodeEvent nodeEvent)
    {
        int i = Interlocked.Increment(ref _count) - 1;
        if (i >= _events.Length)
        {
            return false;
        }

        _events[i] = nodeEvent;
        _ticks[i] = Stopwatch.GetTimestamp();
        return true;
    }

    public IReadOnlyList<(NodeEvent Event, long Ticks)> Events =>
        Enumerable.Range(0, Math.Min(Volatile.Read(ref _count), _events.Length)).Select(i => (_events[i], _ticks[i])).ToList();

    public int Count(NodeEventKind kind) => Events.Count(e => e.Event.Kind == kind);
}

/// <summary>Keeps every formatted log message (any thread).</summary>
internal sealed class CollectingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Enqueue(formatter(state, exception));
}

/// <summary>
/// A server and a client on 127.0.0.1 driven by hand the way the engine drives service nodes: Prepare, Start, then
/// blocks paced in real time on the calling thread (the "audio thread"), Stop, Dispose.
/// </summary>
internal sealed class LoopbackRig : IDisposable
{
    public const double Rate = 48_000;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _blocks;

    private NodeEventWriter? _serverWriter;
    private NodeEventWriter? _clientWriter;

    private long _clientBlocks;
    private long _serverBlocks;

    private LoopbackRig(int block, double clientRate)
    {
        Block = block;
        ClientRate = clientRate;
    }

    /// <summary>The client's graph rate, Hz (the server's is <see cref="Rate"/>).</summary>
    public double ClientRate { get; }

    public SyfalaServerNode Server { get; private set; } = null!;

    public SyfalaClientNode Client { get; private set; } = null!;

    public int Block { get; }

    public TimedEventSink ServerEvents { get; private set; } = new();

    public TimedEventSink ClientEvents { get; } = new();

    public AudioBuffer[] ServerIn { get; private set; } = [];

    public AudioBuffer[] ServerOut { get; private set; } = [];

    public AudioBuffer[] ClientIn { get; private set; } = [];

    public AudioBuffer[] ClientOut { get; private set; } = [];

    public long FrameTime => _blocks * Block;

    public static LoopbackRig Start(SyfalaServerParameters server, Func<string, SyfalaClientParameters> client, int block = 64, double clientRate = Rate,
        ILogger<SyfalaServerNode>? serverLogger = null)
    {
        var rig = new LoopbackRig(block, clientRate);
        rig._serverWriter = rig.ServerEvents.Writer("server");
        rig._clientWriter = rig.ClientEvents.Writer("client");
        rig.Server = new SyfalaServerNode(server, serverLogger);
        rig.PrepareServer(rig.Server, server);
        SyfalaClientParameters cp = client($"127.0.0.1:{rig.Server.LocalEndPoint!.Port}");
        rig.Client = new SyfalaClientNode(cp);
        rig.ClientIn = cp.Outputs.Select(f => new AudioBuffer(f.Channels, block)).ToArray();
        rig.ClientOut = cp.Inputs.Select(f => new AudioBuffer(f.Channels, block)).ToArray();
        rig.Client.Prepare(new PrepareContext("client", clientRate, block, rig.ClientIn.Select(b => b.Channels).ToList(),
            rig.ClientOut.Select(b => b.Channels).ToList(), rig._clientWriter, false));
        rig.Server.Start();
        rig.Client.Start();
        return rig;
    }

    /// <summary>Replaces the server by a new one on the same port (after <see cref="KillServer"/>).</summary>
    public void RestartServer(SyfalaServerParameters parameters)
    {
        var s = new SyfalaServerNode(parameters);
        PrepareServer(s, parameters);
        Server = s;
        s.Start();
    }

    /// <summary>The server vanishes without a word (as a killed process): no Disconnect is sent.</summary>
    public void KillServer()
    {
        Server.Kill();
        Server.Dispose();
    }

    /// <summary>Runs one block (paced to real time): fill inputs, Process client then server.</summary>
    public void RunBlock(Action<LoopbackRig>? fill = null, Action<LoopbackRig>? collect = null)
    {
        long dueTicks = (long)(_blocks * Block / Rate * Stopwatch.Frequency);
        while (_clock.ElapsedTicks < dueTicks)
        {
            if (dueTicks - _clock.ElapsedTicks > Stopwatch.Frequency / 500)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.SpinWait(20);
            }
        }

        fill?.Invoke(this);
        ProcessBoth();
        collect?.Invoke(this);
        _blocks++;
    }

    /// <summary>Runs blocks until <paramref name="condition"/> holds (false after <paramref name="timeout"/>).</summary>
    public bool RunUntil(Func<LoopbackRig, bool> condition, TimeSpan timeout, Action<LoopbackRig>? fill = null, Action<LoopbackRig>? collect = null)
    {
        long end = _clock.ElapsedTicks + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition(this))
        {
            if (_clock.ElapsedTicks > end)
            {
                return false;
            }

            RunBlock(fill, collect);
        }

        return true;
    }

    /// <summary>
    /// Runs each side at its own rate (the client at <see cref="ClientRate"/>, the server at <see cref="Rate"/>) for
    /// <paramref name="seconds"/> of real time: whichever side's block is due next runs, paced as by two drivers.
    /// The callbacks get true for the client's block, false for the server's.
    /// </summary>
    public void RunBothRates(double seconds, Action<LoopbackRig, bool>? fill = null, Action<LoopbackRig, bool>? collect = null)
    {
        double start = _clock.Elapsed.TotalSeconds;
        long clientStart = _clientBlocks, serverStart = _serverBlocks;
        while (true)
        {
            double clientDue = start + ((_clientBlocks - clientStart) * Block / ClientRate);
            double serverDue = start + ((_serverBlocks - serverStart) * Block / Rate);
            bool client = clientDue <= serverDue;
            double due = Math.Min(clientDue, serverDue);
            if (due - start >= seconds)
            {
                return;
            }

            while (_clock.Elapsed.TotalSeconds < due)
            {
                if (due - _clock.Elapsed.TotalSeconds > 0.002)
                {
                    Thread.Sleep(1);
                }
                else
                {
                    Thread.SpinWait(20);
                }
            }

            fill?.Invoke(this, client);
            if (client)
            {
                var context = new ProcessContext(Block, _clientBlocks++ * Block, ClientRate, ClientIn, ClientOut, _clientWriter!, false);
                Client.ProcessSink(context);
                Client.Process(context);
            }
            else
            {
                var context = new ProcessContext(Block, _serverBlocks++ * Block, Rate, ServerIn, ServerOut, _serverWriter!, false);
                Server.ProcessSink(context);
                Server.Process(context);
            }

            collect?.Invoke(this, client);
        }
    }

    public void ProcessBoth()
    {
        // As the engine runs a decoupled node: the sink half (send) and the source half (receive).
        Client.ProcessSink(new ProcessContext(Block, FrameTime, ClientRate, ClientIn, ClientOut, _clientWriter!, false));
        Client.Process(new ProcessContext(Block, FrameTime, ClientRate, ClientIn, ClientOut, _clientWriter!, false));
        Server.ProcessSink(new ProcessContext(Block, FrameTime, Rate, ServerIn, ServerOut, _serverWriter!, false));
        Server.Process(new ProcessContext(Block, FrameTime, Rate, ServerIn, ServerOut, _serverWriter!, false));
    }

    public void Dispose()
    {
        Client.Stop();
        Server.Stop();
        Client.Dispose();
        Server.Dispose();
    }

    private void PrepareServer(SyfalaServerNode s, SyfalaServerParameters p)
    {
        ServerIn = p.Inputs.Select(f => new AudioBuffer(f.Channels, Block)).ToArray();
        ServerOut = p.Outputs.Select(f => new AudioBuffer(f.Channels, Block)).ToArray();
        s.Prepare(new PrepareContext("server", Rate, Block, ServerIn.Select(b => b.Channels).ToList(), ServerOut.Select(b => b.Channels).ToList(), _serverWriter!, false));
    }
}
