using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Events;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Plugins.Jack.Internal;
using SyfalaGraph.Plugins.Jack.Interop;

namespace SyfalaGraph.Plugins.Jack;

// Design: three kinds of thread touch this node.
// - JACK's process thread runs OnProcess: it fetches every port buffer with jack_port_get_buffer, runs the graph
//   in chunks of at most the prepared block (Process copies JACK input buffers into 'capture', ProcessSink copies
//   'playback' into JACK output buffers, both at the chunk's offset), and reports xruns counted by the xrun
//   callback. It reads only fields that are written while the client is inactive (ports, buffers, cycle), so it
//   needs no lock; it never allocates, locks, logs or throws.
// - JACK's notification thread runs the xrun, buffer-size, sample-rate, port-registration and shutdown callbacks:
//   they only bump counters or raise flags (the shutdown callback is async-signal-safe by JACK's rules).
// - The node's control thread ("jack control") polls those flags every 50 ms (and wakes at once on a port
//   registration): it applies the connect rules with jack_connect (never called from a JACK callback), logs
//   buffer-size/sample-rate changes, and after a server shutdown closes the dead client and re-opens a new one
//   (ports, callbacks, activation, connections) when the server is back. It holds _control while it uses the
//   client; Stop takes _control to deactivate and close the client first, then stops the control thread.

/// <summary>
/// <c>jack.client</c>: a JACK client whose process callback drives the graph (<c>settings.clock: &lt;this node's
/// id&gt;</c>). JACK input ports (<c>in_1</c>…) feed output <c>capture</c>; input <c>playback</c> feeds JACK output
/// ports (<c>out_1</c>…). The graph's sample rate and block size are the server's.
/// </summary>
/// <remarks>
/// <para>The client is opened when the node is created (so the server's rate and period are known before the graph
/// is prepared), its ports are registered in <see cref="Prepare"/>, and it is activated in <see cref="Start"/>.
/// Audio inside the graph is planar float32, one channel per JACK port, 1.0 = 0 dBFS, as in JACK.</para>
/// <para>When the server changes its period, the graph keeps its prepared block size and runs several shorter
/// blocks (at most <see cref="ImposedBlockFrames"/> frames each) per JACK period.</para>
/// </remarks>
[NodeType("jack.client", typeof(JackClientParameters), Description = "JACK client: its JACK input ports feed output 'capture', input 'playback' feeds its JACK output ports; drives the graph at the server's rate and period.")]
public sealed unsafe partial class JackClientNode : AudioNode, IDecoupledNode, IDriverNode
{
    private readonly JackClientParameters _parameters;
    private readonly ILogger _logger;
    private readonly IDisposable _diagnostics;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly ConnectionRules _rules;
    private readonly Lock _control = new();
    private readonly byte[] _shutdownReason = new byte[256];
    private GCHandle _self;
    private nint _client;
    private string _clientName = "";
    private string _nodeId = "jack.client";
    private NodeEventWriter _events = NodeEventWriter.Null;
    private double _sampleRate;
    private int _openBufferFrames;
    private int _blockFrames;
    private bool _prepared;

    // Written while the client is inactive, read by the process thread.
    private nint[] _inputPorts = [];
    private nint[] _outputPorts = [];
    private IGraphCycle? _cycle;
    private bool _warmedUp;

    // Process thread only.
    private readonly nint[] _inputBuffers;
    private readonly nint[] _outputBuffers;
    private int _chunkOffset;
    private bool _inCycle;
    private bool _graphEnded;
    private long _xrunsReported;
    private long _xrunsPublished;
    private long _lastXrunEventFrame = long.MinValue / 2;

    // Counters and flags shared with the callbacks and the control thread.
    private long _xruns;
    private long _callbacks;
    private long _callbackFrames;
    private int _serverBufferFrames;
    private int _serverSampleRate;
    private int _shutdownFlag;
    private int _shutdownStatus;
    private int _connectPending;
    private int _reconnects;
    private int _connectionsMade;
    private volatile bool _stopping;
    private volatile bool _serverDown;
    private volatile bool _awaitingFirstCallback;

    /// <summary>
    /// Creates the node and opens its JACK client (not activated yet), so the server's rate and period are known.
    /// Audio thread: no.
    /// </summary>
    /// <param name="parameters">The validated parameters.</param>
    /// <param name="logger">Where the client's state, connections, xrun summaries and reconnections are logged; optional.</param>
    /// <exception cref="NodeException">libjack is missing (names the package), or no such JACK server runs (with a hint to start one).</exception>
    public JackClientNode(JackClientParameters parameters, ILogger<JackClientNode>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _inputNames = [.. parameters.InputPortNames];
        _outputNames = [.. parameters.OutputPortNames];
        _inputBuffers = new nint[_inputNames.Length];
        _outputBuffers = new nint[_outputNames.Length];
        _rules = new ConnectionRules(parameters.Connect ?? []);
        JackNative.EnsureLoaded();
        // What libjack prints on its own threads (the process and notification threads) while this client lives goes to
        // this node's log, through the host's functions (no pointer into this collectible assembly is given to libjack).
        _diagnostics = NativeDiagnostics.Subscribe(NativeDiagnostics.Jack, _logger);
        nint client = JackProcessClients.Open(parameters.ClientName, parameters.ServerName, this, out string? error);
        if (client == 0)
        {
            _diagnostics.Dispose();
            throw new NodeException("jack.client: " + error);
        }

        _self = GCHandle.Alloc(this);
        try
        {
            InstallCallbacks(client);
        }
        catch
        {
            JackProcessClients.Close(client);
            _self.Free();
            _diagnostics.Dispose();
            throw;
        }

        _client = client;
        _clientName = JackNative.Text(JackNative.GetClientName(client)) ?? parameters.ClientName;
        _sampleRate = JackNative.GetSampleRate(client);
        _openBufferFrames = (int)JackNative.GetBufferSize(client);
        _serverBufferFrames = _openBufferFrames;
        _serverSampleRate = (int)_sampleRate;
    }

    /// <summary>The server's sample rate in Hz when the client was opened.</summary>
    public double? ImposedSampleRate => _sampleRate;

    /// <summary>The server's period (buffer size) in frames when the client was opened: the graph's block size.</summary>
    public int? ImposedBlockFrames => _openBufferFrames;

    /// <summary>The actual JACK client name (the wished name, or with a suffix JACK added when it was taken).</summary>
    public string ClientName => Volatile.Read(ref _clientName);

    /// <summary>The server this node talks to (<c>server_name</c>, else <c>JACK_DEFAULT_SERVER</c>, else "default").</summary>
    public string ServerName => JackClientOpener.EffectiveServerName(_parameters.ServerName);

    /// <summary>Xruns the server reported to this client (xrun callback). Any thread.</summary>
    public long Xruns => Interlocked.Read(ref _xruns);

    /// <summary>Process callbacks so far. Any thread.</summary>
    public long Callbacks => Volatile.Read(ref _callbacks);

    /// <summary>Frames JACK asked for in process callbacks so far. Any thread.</summary>
    public long CallbackFrames => Volatile.Read(ref _callbackFrames);

    /// <summary>The server's current period in frames (updated by the buffer-size callback). Any thread.</summary>
    public int ServerBufferFrames => Volatile.Read(ref _serverBufferFrames);

    /// <summary>Times the client was re-opened after a server shutdown. Any thread.</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Connections the connect rules made so far (jack_connect that succeeded). Any thread.</summary>
    public int ConnectionsMade => Volatile.Read(ref _connectionsMade);

    /// <summary>True from a re-activation after a server restart until the first process callback of the new client. Any thread.</summary>
    public bool AwaitingFirstCallback => _awaitingFirstCallback;

    /// <summary>
    /// Tests only: the next re-opened client ignores its process callbacks (outputs silence, never runs the graph), as
    /// in the jackd2 issue the node recovers from by closing and re-opening it; the recovery clears it.
    /// </summary>
    internal volatile bool StallReopenedClientForTests;

    /// <summary>True between a server shutdown and the successful re-opening of the client. Any thread.</summary>
    public bool ServerDown => _serverDown;

    /// <summary>Registers the JACK ports. Audio thread: no.</summary>
    /// <exception cref="NodeException">The graph's rate is not the server's (the node is not the clock), or a port cannot be registered.</exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_prepared)
        {
            throw new InvalidOperationException("jack.client has already been prepared.");
        }

        _nodeId = context.NodeId;
        _events = context.Events;
        if (Math.Abs(context.SampleRate - _sampleRate) > 1e-9)
        {
            throw new NodeException(
                $"jack.client: JACK server '{ServerName}' runs at {_sampleRate} Hz but the graph at {context.SampleRate} Hz; " +
                $"make this node the graph's clock (settings.clock: {context.NodeId}) and set sample_rate: auto or {_sampleRate}");
        }

        _blockFrames = context.MaxBlockFrames;
        lock (_control)
        {
            RegisterPorts(_client);
        }

        _prepared = true;
    }

    /// <summary>Activates the client (JACK starts calling the process callback) and starts the control thread. Audio thread: no.</summary>
    /// <exception cref="NodeException">The client cannot be activated.</exception>
    /// <exception cref="InvalidOperationException">Called before <see cref="Prepare"/>, or twice.</exception>
    public void Start(IGraphCycle cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        if (!_prepared)
        {
            throw new InvalidOperationException("jack.client: Start before Prepare.");
        }

        if (_cycle is not null)
        {
            throw new InvalidOperationException("jack.client has already been started.");
        }

        _cycle = cycle;
        _warmedUp = false;
        lock (_control)
        {
            if (_client == 0)
            {
                throw new NodeException($"jack.client: the client of server '{ServerName}' is closed");
            }

            int error;
            lock (JackProcessClients.Gate)
            {
                error = JackNative.Activate(_client);
            }

            if (error != 0)
            {
                throw new NodeException($"jack.client: jack_activate failed ({error}) on server '{ServerName}'");
            }
        }

        StartControlThread();
        _logger.LogInformation(
            "jack.client {Node}: client '{Client}' on server '{Server}' at {Rate} Hz, {Frames} frames per period, {In} input ports, {Out} output ports, {Rules} connect rules",
            _nodeId, ClientName, ServerName, _sampleRate, _openBufferFrames, _inputNames.Length, _outputNames.Length, _parameters.Connect?.Count ?? 0);
    }

    /// <summary>
    /// Deactivates and closes the JACK client first (no callback runs after that), then stops the control thread.
    /// Idempotent. Audio thread: no.
    /// </summary>
    public void Stop()
    {
        _stopping = true;
        bool wasOpen;
        lock (_control)
        {
            wasOpen = _client != 0;
            CloseClient();
        }

        StopControlThread();
        if (wasOpen && _cycle is not null)
        {
            _logger.LogInformation("jack.client {Node}: stopped after {Callbacks} callbacks, {Frames} frames, {Xruns} xruns, {Reconnects} reconnections",
                _nodeId, Callbacks, CallbackFrames, Xruns, Reconnects);
        }
    }

    /// <summary>Copies the JACK input ports' samples of the current chunk into output <c>capture</c>. Audio thread: yes.</summary>
    public override void Process(in ProcessContext context)
    {
        if (context.OutputCount == 0)
        {
            return;
        }

        int frames = context.Frames;
        var output = context.OutputBuffer(0);
        for (int c = 0; c < output.Channels; c++)
        {
            Span<float> destination = output.GetChannel(c, frames);
            if (_inCycle && c < _inputBuffers.Length && _inputBuffers[c] != 0)
            {
                new ReadOnlySpan<float>((float*)_inputBuffers[c] + _chunkOffset, frames).CopyTo(destination);
            }
            else
            {
                destination.Clear(); // not run by this client's callback (another clock): silence
            }
        }
    }

    /// <summary>Copies input <c>playback</c> into the JACK output ports at the current chunk's offset. Audio thread: yes.</summary>
    public void ProcessSink(in ProcessContext context)
    {
        if (context.InputCount == 0 || !_inCycle)
        {
            return;
        }

        int frames = context.Frames;
        var input = context.InputBuffer(0);
        for (int c = 0; c < input.Channels && c < _outputBuffers.Length; c++)
        {
            if (_outputBuffers[c] != 0)
            {
                input.GetChannel(c, frames).CopyTo(new Span<float>((float*)_outputBuffers[c] + _chunkOffset, frames));
            }
        }
    }

    /// <summary>Stops if needed, closes the client if it was never started, and frees the callback handle. Audio thread: no.</summary>
    protected override void Dispose(bool disposing)
    {
        Stop();
        if (_self.IsAllocated)
        {
            _self.Free();
        }

        _diagnostics.Dispose(); // the client is closed: the host forgets this node's logger

        if (!_controlThreadStuck)
        {
            _wake.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Deactivates and closes the client; the caller holds <see cref="_control"/>.</summary>
    private void CloseClient()
    {
        nint client = _client;
        if (client == 0)
        {
            return;
        }

        _client = 0;
        lock (JackProcessClients.Gate)
        {
            if (!_serverDown)
            {
                _ = JackNative.Deactivate(client);
            }

            JackProcessClients.Close(client);
        }
    }

    /// <summary>Sets every callback on a client that is not active yet.</summary>
    private void InstallCallbacks(nint client)
    {
        nint self = GCHandle.ToIntPtr(_self);
        Check(JackNative.SetProcessCallback(client, &OnProcess, self), "jack_set_process_callback");
        Check(JackNative.SetXrunCallback(client, &OnXrun, self), "jack_set_xrun_callback");
        Check(JackNative.SetBufferSizeCallback(client, &OnBufferSize, self), "jack_set_buffer_size_callback");
        Check(JackNative.SetSampleRateCallback(client, &OnSampleRate, self), "jack_set_sample_rate_callback");
        Check(JackNative.SetPortRegistrationCallback(client, &OnPortRegistration, self), "jack_set_port_registration_callback");
        JackNative.OnInfoShutdown(client, &OnShutdown, self);

        static void Check(int result, string what)
        {
            if (result != 0)
            {
                throw new NodeException($"jack.client: {what} failed ({result})");
            }
        }
    }

    /// <summary>Registers the node's ports on a client that is not active yet, and publishes them to the process thread.</summary>
    private void RegisterPorts(nint client)
    {
        var inputs = new nint[_inputNames.Length];
        var outputs = new nint[_outputNames.Length];
        byte[] type = JackClientOpener.Utf8(JackNative.DefaultAudioType);
        using (JackProcessClients.Gate.EnterScope())
        fixed (byte* pType = type)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = Register(client, _inputNames[i], pType, JackNative.JackPortIsInput);
            }

            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = Register(client, _outputNames[i], pType, JackNative.JackPortIsOutput);
            }
        }

        Volatile.Write(ref _inputPorts, inputs);
        Volatile.Write(ref _outputPorts, outputs);

        nint Register(nint c, string name, byte* pType, ulong flags)
        {
            byte[] n = JackClientOpener.Utf8(name);
            fixed (byte* pName = n)
            {
                nint port = JackNative.PortRegister(c, pName, pType, new CULong((nuint)flags), new CULong(0));
                return port != 0 ? port : throw new NodeException($"jack.client: cannot register port '{ClientName}:{name}' on server '{ServerName}'");
            }
        }
    }

    // The process callback (JACK's real-time thread): no allocation, no lock, no logging, no exception escapes.
    [UnmanagedCallersOnly]
    private static int OnProcess(uint frames, nint arg)
    {
        try
        {
            Unsafe.As<JackClientNode>(GCHandle.FromIntPtr(arg).Target)?.RunPeriod((int)frames);
        }
        catch
        {
            // Never let an exception unwind into libjack; the engine already mutes faulting nodes.
        }

        return 0;
    }

    private void RunPeriod(int frames)
    {
        nint[] inputPorts = _inputPorts;
        nint[] outputPorts = _outputPorts;
        for (int i = 0; i < inputPorts.Length && i < _inputBuffers.Length; i++)
        {
            _inputBuffers[i] = (nint)JackNative.PortGetBuffer(inputPorts[i], (uint)frames);
        }

        for (int i = 0; i < outputPorts.Length && i < _outputBuffers.Length; i++)
        {
            float* buffer = JackNative.PortGetBuffer(outputPorts[i], (uint)frames);
            _outputBuffers[i] = (nint)buffer;
            if (buffer is not null)
            {
                new Span<float>(buffer, frames).Clear(); // a muted or ended graph plays silence
            }
        }

        IGraphCycle? cycle = _cycle;
        if (cycle is null || _graphEnded)
        {
            return;
        }

        if (!_warmedUp)
        {
            if (_awaitingFirstCallback && StallReopenedClientForTests)
            {
                return; // as if jackd never ran the re-opened client (tests of the recovery)
            }

            _warmedUp = true;
            _awaitingFirstCallback = false;
            cycle.WarmUp();
        }

        long xruns = Interlocked.Read(ref _xruns);
        while (_xrunsReported < xruns)
        {
            _xrunsReported++;
            cycle.ReportXrun();
        }

        // One Xrun event per second at most (its value: the xruns since the last one), so a struggling server
        // does not flood the log; the exact count is in Xruns and the graph's xrun counter.
        if (xruns != _xrunsPublished && _callbackFrames - _lastXrunEventFrame >= (long)_sampleRate)
        {
            _events.Publish(NodeEventKind.Xrun, xruns - _xrunsPublished, _callbackFrames);
            _xrunsPublished = xruns;
            _lastXrunEventFrame = _callbackFrames;
        }

        Volatile.Write(ref _callbacks, _callbacks + 1);
        Volatile.Write(ref _callbackFrames, _callbackFrames + frames);
        int block = _blockFrames;
        _inCycle = true;
        for (int done = 0; done < frames;)
        {
            int chunk = Math.Min(frames - done, block);
            _chunkOffset = done;
            bool keepGoing = cycle.Run(chunk);
            done += chunk;
            if (!keepGoing)
            {
                _graphEnded = true; // the rest of the outputs stays silent
                break;
            }
        }

        _inCycle = false;
    }

    // JACK notification thread: count only.
    [UnmanagedCallersOnly]
    private static int OnXrun(nint arg)
    {
        if (GCHandle.FromIntPtr(arg).Target is JackClientNode node)
        {
            Interlocked.Increment(ref node._xruns);
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static int OnBufferSize(uint frames, nint arg)
    {
        if (GCHandle.FromIntPtr(arg).Target is JackClientNode node)
        {
            Volatile.Write(ref node._serverBufferFrames, (int)frames);
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static int OnSampleRate(uint rate, nint arg)
    {
        if (GCHandle.FromIntPtr(arg).Target is JackClientNode node)
        {
            Volatile.Write(ref node._serverSampleRate, (int)rate);
        }

        return 0;
    }

    // Not a real-time thread; still only a flag and a wake-up: jack_connect is called by the control thread.
    [UnmanagedCallersOnly]
    private static void OnPortRegistration(uint port, int registered, nint arg)
    {
        if (registered != 0 && GCHandle.FromIntPtr(arg).Target is JackClientNode node)
        {
            Volatile.Write(ref node._connectPending, 1);
            node.Wake();
        }
    }

    // Must be async-signal-safe (jack.h): copy the reason into a preallocated buffer and raise a flag.
    [UnmanagedCallersOnly]
    private static void OnShutdown(int status, byte* reason, nint arg)
    {
        if (GCHandle.FromIntPtr(arg).Target is not JackClientNode node)
        {
            return;
        }

        byte[] buffer = node._shutdownReason;
        int i = 0;
        if (reason is not null)
        {
            for (; i < buffer.Length - 1 && reason[i] != 0; i++)
            {
                buffer[i] = reason[i];
            }
        }

        buffer[i] = 0;
        node._serverDown = true;
        Volatile.Write(ref node._shutdownStatus, status);
        Volatile.Write(ref node._shutdownFlag, 1);
    }
}
