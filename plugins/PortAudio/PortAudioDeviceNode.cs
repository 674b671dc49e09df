using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyfalaGraph.Abstractions.Buffers;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Plugins.PortAudio.Interop;

namespace SyfalaGraph.Plugins.PortAudio;

/// <summary>
/// <c>portaudio.device</c>: an audio device opened through PortAudio (ALSA, JACK, OSS, …) as a duplex
/// float32 interleaved callback stream that drives the graph (<c>settings.clock: &lt;this node's id&gt;</c>).
/// </summary>
/// <remarks>
/// <para>Each PortAudio callback deinterleaves the captured frames into a staging buffer, runs the graph
/// (<see cref="IGraphCycle.Run"/>) in chunks of at most <see cref="ImposedBlockFrames"/> frames, and interleaves
/// what <see cref="ProcessSink"/> staged into PortAudio's output. <see cref="Process"/> (start of the block) copies
/// the capture into output <c>capture</c>; <see cref="ProcessSink"/> (end of the block) copies input
/// <c>playback</c> to the staging buffer.</para>
/// <para>Metrics (meter <c>SyfalaGraph</c>, tag <c>node</c>): <c>syfalagraph.portaudio.latency</c> (ms, tag
/// <c>direction</c> = input/output) and <c>syfalagraph.portaudio.sample_rate</c> (Hz) as PortAudio reports them for the
/// open stream (<c>Pa_GetStreamInfo</c>), <c>syfalagraph.portaudio.callbacks</c> and <c>syfalagraph.portaudio.xruns</c>.
/// The gauges read fields; the callback never touches the meter.</para>
/// <para>Status flags (input/output under/overflow) are counted as xruns. The callback is an
/// <c>[UnmanagedCallersOnly]</c> function with a <see cref="GCHandle"/> to the node as user data; it does not
/// allocate, lock or log.</para>
/// </remarks>
[NodeType("portaudio.device", typeof(PortAudioDeviceParameters), Description = "Audio device through PortAudio (ALSA, JACK, …): capture out, playback in; drives the graph as its clock.")]
public sealed unsafe class PortAudioDeviceNode : AudioNode, IDecoupledNode, IDriverNode
{
    private readonly PortAudioDeviceParameters _parameters;
    private readonly ILogger _logger;
    private readonly IDisposable _alsaDiagnostics;
    private readonly IDisposable _jackDiagnostics;
    private readonly Meter _meter;
    private readonly double _defaultSampleRate;
    private readonly int _hostApiType;
    private bool _prepared;
    private KeyValuePair<string, object?>[] _tags = [];
    private double _streamSampleRate;
    private string _nodeId = "portaudio.device";
    private bool _acquired;
    private int _device = PortAudioNative.paNoDevice;
    private string _deviceName = "";
    private double _sampleRate;
    private int _maxBlockFrames;
    private double _inputLatency;
    private double _outputLatency;
    private AudioBuffer? _captureStage;
    private AudioBuffer? _playbackStage;
    private IGraphCycle? _cycle;
    private GCHandle _self;
    private nint _stream;
    private bool _warmedUp;
    private bool _running;
    private long _xruns;
    private long _callbacks;
    private long _callbackFrames;
    private double _firstStreamTime = double.NaN;
    private double _lastStreamTime = double.NaN;

    // Rate measurement and pacing; written by the callback thread only.
    private long _firstCallbackTicks;
    private long _lastCallbackTicks;
    private long _framesAtFirstCallback;
    private long _framesAtLastCallback;
    private double _aheadLimitFrames;
    private int _fasterThanRealTime;
    private int _callbackThreadRealtime = -1;
    private long _paceAnchorNs;
    private double _pacedFrames;
    private double _nanosecondsPerFrame;
    private long _paceToleranceNs;
    private long _maxLatenessNs;
    private long _maxLatenessCallback;
    private int _streamEnded;

    /// <summary>
    /// Creates the node: initialises PortAudio (reference-counted) and finds the device (opened in <see cref="Start"/>). Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">
    /// PortAudio is missing or cannot initialise (or the ALSA configuration would make it abort); the host API, device or
    /// channel count does not exist (the message lists what does); <c>pacing: system</c> on the JACK host API.
    /// </exception>
    /// <param name="parameters">The validated parameters.</param>
    /// <param name="logger">Where the opened stream's latency and rate are logged; optional.</param>
    /// <param name="meterFactory">The host's metrics factory (DI), used as the scope of the node's own meter; optional.</param>
    public PortAudioDeviceNode(PortAudioDeviceParameters parameters, ILogger<PortAudioDeviceNode>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        // The device is resolved here, before the engine resolves the graph's rate, so that sample_rate: auto can
        // follow its default rate (PreferredSampleRate), as jack.client does with the server's rate.
        PortAudioLibrary.Acquire();
        // What alsa-lib prints on the stream's threads (e.g. "snd_pcm_recover) underrun occurred" on the callback
        // thread) and what libjack prints for PortAudio's JACK host API go to this node's log, through the host's
        // functions: no pointer into this collectible assembly is handed to either library.
        _alsaDiagnostics = NativeDiagnostics.Subscribe(NativeDiagnostics.Alsa, _logger);
        _jackDiagnostics = NativeDiagnostics.Subscribe(NativeDiagnostics.Jack, _logger);
        try
        {
            _device = DeviceCatalog.Resolve(parameters);
            PaDeviceInfo* info = PortAudioNative.GetDeviceInfo(_device);
            _deviceName = Marshal.PtrToStringUTF8(info->Name) ?? "";
            _defaultSampleRate = info->DefaultSampleRate;
            PaHostApiInfo* api = PortAudioNative.GetHostApiInfo(info->HostApi);
            _hostApiType = api is null ? -1 : api->Type;
            if (parameters.PacedBySystemClock && _hostApiType == PortAudioNative.paJACK)
            {
                throw new NodeException($"portaudio.device: pacing: system on device '{_deviceName}' of the JACK host API: the JACK server is the clock; use pacing: device");
            }
        }
        catch
        {
            _jackDiagnostics.Dispose();
            _alsaDiagnostics.Dispose();
            PortAudioLibrary.Release();
            throw;
        }

        _acquired = true;

        // Owned by the node (not IMeterFactory.Create, which caches per name): disposing the node removes the
        // instruments, so no callback keeps the node or the plugin's load context alive.
        _meter = new Meter(new MeterOptions("SyfalaGraph") { Scope = meterFactory });
        _meter.CreateObservableGauge("syfalagraph.portaudio.latency", ObserveLatency, "ms", "Stream latency PortAudio reports (Pa_GetStreamInfo), per direction.");
        _meter.CreateObservableGauge("syfalagraph.portaudio.sample_rate", ObserveSampleRate, "Hz", "Sample rate PortAudio reports for the open stream.");
        _meter.CreateObservableCounter("syfalagraph.portaudio.callbacks", () => new Measurement<long>(Callbacks, _tags), "{callback}", "PortAudio callbacks.");
        _meter.CreateObservableGauge("syfalagraph.portaudio.measured_rate", () => new Measurement<double>(MeasuredFramesPerSecond, _tags), "{frame}/s", "Frames per second of wall time since the first callback (a device with no clock runs far above its nominal rate).");
        _meter.CreateObservableCounter("syfalagraph.portaudio.xruns", () => new Measurement<long>(Xruns, _tags), "{xrun}", "Callbacks with an under/overflow status flag.");
    }

    /// <summary>Null: the device runs at the graph's sample rate (checked with <c>Pa_IsFormatSupported</c>).</summary>
    public double? ImposedSampleRate => null;

    /// <summary>The device's default sample rate in Hz (<c>PaDeviceInfo.defaultSampleRate</c>; on JACK the server's rate): the graph's rate when <c>settings.sample_rate</c> is <c>auto</c>.</summary>
    public double? PreferredSampleRate => _defaultSampleRate;

    /// <summary>The graph's block size: <c>frames_per_buffer</c>, or null (<c>settings.block_frames</c>) when it is 0 (the host's own period).</summary>
    public int? ImposedBlockFrames => _parameters.FramesPerBuffer == 0 ? null : _parameters.FramesPerBuffer;

    /// <summary>The PortAudio device index chosen in <see cref="Prepare"/> (-1 before).</summary>
    public int DeviceIndex => _device;

    /// <summary>The chosen device's name.</summary>
    public string DeviceName => _deviceName;

    /// <summary>Callbacks with an under/overflow status flag. Any thread.</summary>
    public long Xruns => Volatile.Read(ref _xruns);

    /// <summary>PortAudio callbacks so far. Any thread.</summary>
    public long Callbacks => Volatile.Read(ref _callbacks);

    /// <summary>Frames PortAudio asked for in callbacks so far. Any thread.</summary>
    public long CallbackFrames => Volatile.Read(ref _callbackFrames);

    /// <summary>
    /// Seconds of the stream's own clock (<c>PaStreamCallbackTimeInfo.currentTime</c>: the JACK server's frame time on
    /// JACK, a system clock elsewhere) between the first and the latest callback; 0 before two callbacks. With
    /// <see cref="CallbackFrames"/> it tells frames the device ran from frames the node was called for (missed periods). Any thread.
    /// </summary>
    public double StreamTimeSeconds
    {
        get
        {
            double span = Volatile.Read(ref _lastStreamTime) - Volatile.Read(ref _firstStreamTime);
            return double.IsNaN(span) ? 0 : span;
        }
    }

    /// <summary>
    /// Frames per second of wall time (the monotonic clock) between the first and the latest callback: the rate the
    /// device actually ran the node at; 0 before two callbacks. Any thread (approximate while running).
    /// </summary>
    public double MeasuredFramesPerSecond
    {
        get
        {
            long ticks = Volatile.Read(ref _lastCallbackTicks) - Volatile.Read(ref _firstCallbackTicks);
            long frames = Volatile.Read(ref _framesAtLastCallback) - Volatile.Read(ref _framesAtFirstCallback);
            return ticks <= 0 ? 0 : frames * (double)Stopwatch.Frequency / ticks;
        }
    }

    /// <summary>
    /// True once the device delivered more than half a second (plus the stream latency) of frames ahead of the wall
    /// clock: it has no clock of its own (e.g. ALSA's null plugin) and needs <c>pacing: system</c>. Any thread.
    /// </summary>
    public bool RunsFasterThanRealTime => Volatile.Read(ref _fasterThanRealTime) != 0;

    /// <summary>Whether the callback thread runs SCHED_FIFO/SCHED_RR (read at callbacks 1, 2, 4, 8, …; Linux); null before the first callback or elsewhere. Any thread.</summary>
    public bool? CallbackThreadRealtime => Volatile.Read(ref _callbackThreadRealtime) switch { 1 => true, 0 => false, _ => null };

    /// <summary>With <c>pacing: system</c>: the latest a callback started after its frames were due (wake-up latency included), in ms. Any thread.</summary>
    public double MaxPacingLatenessMs => Volatile.Read(ref _maxLatenessNs) / 1e6;

    /// <summary>The stream's actual input latency in seconds (after <see cref="Start"/>).</summary>
    public double InputLatencySeconds => _inputLatency;

    /// <summary>The stream's actual output latency in seconds (after <see cref="Start"/>).</summary>
    public double OutputLatencySeconds => _outputLatency;

    /// <summary>The stream's actual sample rate in Hz as PortAudio reports it (0 before <see cref="Start"/>).</summary>
    public double StreamSampleRate => Volatile.Read(ref _streamSampleRate);

    /// <summary>
    /// Checks that the device (resolved by the constructor) takes float32 at the graph's rate with the channel counts,
    /// and allocates the staging buffers. Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">The device does not take the graph's rate (the message gives its default rate).</exception>
    public override void Prepare(PrepareContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_prepared || !_acquired)
        {
            throw new InvalidOperationException("portaudio.device has already been prepared, or disposed.");
        }

        _prepared = true;
        _nodeId = context.NodeId;
        _tags = [new("node", _nodeId)];
        _sampleRate = context.SampleRate;
        _maxBlockFrames = context.MaxBlockFrames;
        PaDeviceInfo* info = PortAudioNative.GetDeviceInfo(_device);
        PaStreamParameters input = InputParameters(info);
        PaStreamParameters output = OutputParameters(info);
        int supported = PortAudioNative.IsFormatSupported(
            _parameters.InputChannels > 0 ? &input : null,
            _parameters.OutputChannels > 0 ? &output : null,
            context.SampleRate);
        if (supported != PortAudioNative.paFormatIsSupported)
        {
            throw new NodeException(
                $"portaudio.device: device [{_device}] '{_deviceName}' does not take {context.SampleRate} Hz float32 with {_parameters.InputChannels} in / {_parameters.OutputChannels} out " +
                $"({PortAudioNative.ErrorText(supported)}); its default sample rate is {info->DefaultSampleRate} Hz: set settings.sample_rate: {info->DefaultSampleRate}");
        }

        _captureStage = new AudioBuffer(Math.Max(1, _parameters.InputChannels), context.MaxBlockFrames);
        _playbackStage = new AudioBuffer(Math.Max(1, _parameters.OutputChannels), context.MaxBlockFrames);
    }

    /// <summary>Opens the duplex stream (<c>Pa_OpenStream</c>), starts it and logs its actual latency and rate. Audio thread: no.</summary>
    /// <exception cref="NodeException">The stream cannot be opened or started (PortAudio's reason).</exception>
    /// <exception cref="InvalidOperationException">Called before <see cref="Prepare"/>, or twice.</exception>
    public void Start(IGraphCycle cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        if (!_acquired || _captureStage is null)
        {
            throw new InvalidOperationException("portaudio.device: Start before Prepare.");
        }

        if (_stream != 0)
        {
            throw new InvalidOperationException("portaudio.device has already been started.");
        }

        PaDeviceInfo* info = PortAudioNative.GetDeviceInfo(_device);
        PaStreamParameters input = InputParameters(info);
        PaStreamParameters output = OutputParameters(info);
        _cycle = cycle;
        _warmedUp = false;
        _self = GCHandle.Alloc(this);
        nint stream;
        int error = PortAudioNative.OpenStream(&stream,
            _parameters.InputChannels > 0 ? &input : null,
            _parameters.OutputChannels > 0 ? &output : null,
            _sampleRate, new CULong((nuint)_parameters.FramesPerBuffer), new CULong((nuint)PortAudioNative.paNoFlag),
            &Callback, GCHandle.ToIntPtr(_self));
        if (error != PortAudioNative.paNoError)
        {
            _self.Free();
            throw new NodeException($"portaudio.device: cannot open device [{_device}] '{_deviceName}': {PortAudioNative.ErrorText(error)}");
        }

        _stream = stream;
        bool realtime = _parameters.Realtime && _hostApiType == PortAudioNative.paALSA;
        if (realtime)
        {
            PortAudioNative.AlsaEnableRealtimeScheduling(stream, 1);
        }

        PaStreamInfo* streamInfo = PortAudioNative.GetStreamInfo(stream);
        if (streamInfo is not null)
        {
            _inputLatency = streamInfo->InputLatency;
            _outputLatency = streamInfo->OutputLatency;
            Volatile.Write(ref _streamSampleRate, streamInfo->SampleRate);
        }

        double rate = streamInfo is null || streamInfo->SampleRate <= 0 ? _sampleRate : streamInfo->SampleRate;
        double latency = Math.Max(Math.Max(_inputLatency, _outputLatency), 2.0 * Math.Max(_parameters.FramesPerBuffer, _maxBlockFrames) / rate);
        _nanosecondsPerFrame = 1e9 / rate;
        _paceToleranceNs = (long)(latency * 1e9);
        _aheadLimitFrames = (0.5 + latency) * rate;
        _paceAnchorNs = 0;
        _pacedFrames = 0;
        Volatile.Write(ref _firstCallbackTicks, 0);
        Volatile.Write(ref _lastCallbackTicks, 0);
        Volatile.Write(ref _fasterThanRealTime, 0);
        Volatile.Write(ref _maxLatenessNs, 0);

        _running = true;
        Volatile.Write(ref _streamEnded, 0);
        error = PortAudioNative.StartStream(stream);
        if (error == PortAudioNative.paInternalError && realtime && Volatile.Read(ref _streamEnded) != 0)
        {
            // PortAudio 19.6 (pa_unix_util.c PaUnixThread_New) raises the callback thread to SCHED_FIFO from this thread
            // after creating it; when the stream has already ended (a device with no clock runs a short graph in
            // microseconds) the thread is gone, pthread_setschedparam fails and Pa_StartStream reports an internal
            // error. The stream did run to its end: not a failure.
            _logger.LogDebug("portaudio.device {Node}: the stream ended before PortAudio raised its thread's priority", _nodeId);
        }
        else if (error != PortAudioNative.paNoError)
        {
            Stop();
            throw new NodeException($"portaudio.device: cannot start device [{_device}] '{_deviceName}': {PortAudioNative.ErrorText(error)}");
        }

        _logger.LogInformation(
            "portaudio.device {Node}: [{Index}] '{Device}' running at {Rate} Hz, frames per buffer {Frames}, {In} in / {Out} out, latency in {InMs:F1} ms / out {OutMs:F1} ms",
            _nodeId, _device, _deviceName, streamInfo is null ? _sampleRate : streamInfo->SampleRate,
            _parameters.FramesPerBuffer == 0 ? $"unspecified (the host's period, run in blocks of at most {_maxBlockFrames})" : _parameters.FramesPerBuffer,
            _parameters.InputChannels, _parameters.OutputChannels, _inputLatency * 1000, _outputLatency * 1000);
    }

    /// <summary>
    /// Stops and closes the stream (<c>Pa_StopStream</c>, which returns after the last callback, then
    /// <c>Pa_CloseStream</c>); no callback runs after this returns. Idempotent. Audio thread: no.
    /// </summary>
    public void Stop()
    {
        nint stream = _stream;
        if (stream == 0)
        {
            return;
        }

        _stream = 0;
        int error = PortAudioNative.StopStream(stream);
        if (error != PortAudioNative.paNoError && _running)
        {
            _logger.LogWarning("portaudio.device {Node}: Pa_StopStream: {Error}", _nodeId, PortAudioNative.ErrorText(error));
        }

        error = PortAudioNative.CloseStream(stream);
        if (error != PortAudioNative.paNoError)
        {
            _logger.LogWarning("portaudio.device {Node}: Pa_CloseStream: {Error}", _nodeId, PortAudioNative.ErrorText(error));
        }

        _running = false;
        if (_self.IsAllocated)
        {
            _self.Free();
        }

        _logger.LogInformation("portaudio.device {Node}: stopped after {Callbacks} callbacks, {Frames} frames, {Xruns} xruns; {Rate:F0} frames/s of wall time, callback thread real-time: {Realtime}",
            _nodeId, Callbacks, CallbackFrames, Xruns, MeasuredFramesPerSecond, CallbackThreadRealtime?.ToString() ?? "unknown");
        if (_parameters.PacedBySystemClock)
        {
            _logger.LogInformation("portaudio.device {Node}: pacing: system: the latest callback (#{Callback}) started {Lateness:F3} ms after its frames were due (xrun beyond {Tolerance:F1} ms)",
                _nodeId, Volatile.Read(ref _maxLatenessCallback), MaxPacingLatenessMs, _paceToleranceNs / 1e6);
        }

        if (RunsFasterThanRealTime)
        {
            _logger.LogWarning(
                "portaudio.device {Node}: device [{Index}] '{Device}' ran {Rate:F0} frames/s ({Factor:F1} x real time at {Nominal} Hz): it has no clock of its own (e.g. ALSA's null plugin); set pacing: system",
                _nodeId, _device, _deviceName, MeasuredFramesPerSecond, MeasuredFramesPerSecond / _sampleRate, _sampleRate);
        }
    }

    /// <summary>Copies the captured block into output <c>capture</c>. Audio thread: yes.</summary>
    public override void Process(in ProcessContext context)
    {
        AudioBuffer? stage = _captureStage;
        if (context.OutputCount == 0 || stage is null)
        {
            return;
        }

        int frames = context.Frames;
        AudioBuffer output = context.OutputBuffer(0);
        for (int c = 0; c < output.Channels; c++)
        {
            stage.GetChannel(c, frames).CopyTo(output.GetChannel(c, frames));
        }
    }

    /// <summary>Copies input <c>playback</c> to the staging buffer the callback sends to the device. Audio thread: yes.</summary>
    public void ProcessSink(in ProcessContext context)
    {
        AudioBuffer? stage = _playbackStage;
        if (context.InputCount == 0 || stage is null)
        {
            return;
        }

        int frames = context.Frames;
        AudioBuffer input = context.InputBuffer(0);
        for (int c = 0; c < input.Channels; c++)
        {
            input.GetChannel(c, frames).CopyTo(stage.GetChannel(c, frames));
        }
    }

    /// <summary>Stops the stream if needed and releases PortAudio (the last holder terminates it). Audio thread: no.</summary>
    protected override void Dispose(bool disposing)
    {
        Stop();
        _meter.Dispose();
        _jackDiagnostics.Dispose();
        _alsaDiagnostics.Dispose();
        if (_acquired)
        {
            _acquired = false;
            PortAudioLibrary.Release();
        }

        base.Dispose(disposing);
    }

    private IEnumerable<Measurement<double>> ObserveLatency()
    {
        if (_stream == 0)
        {
            return [];
        }

        return
        [
            new Measurement<double>(_inputLatency * 1000, [new("node", _nodeId), new("direction", "input")]),
            new Measurement<double>(_outputLatency * 1000, [new("node", _nodeId), new("direction", "output")]),
        ];
    }

    private IEnumerable<Measurement<double>> ObserveSampleRate() =>
        _stream == 0 ? [] : [new Measurement<double>(StreamSampleRate, _tags)];

    private PaStreamParameters InputParameters(PaDeviceInfo* info) => new()
    {
        Device = _device,
        ChannelCount = _parameters.InputChannels,
        SampleFormat = new CULong((nuint)PortAudioNative.paFloat32),
        SuggestedLatency = _parameters.SuggestedLatencyMs is double ms ? ms / 1000.0 : info->DefaultLowInputLatency,
        HostApiSpecificStreamInfo = 0,
    };

    private PaStreamParameters OutputParameters(PaDeviceInfo* info) => new()
    {
        Device = _device,
        ChannelCount = _parameters.OutputChannels,
        SampleFormat = new CULong((nuint)PortAudioNative.paFloat32),
        SuggestedLatency = _parameters.SuggestedLatencyMs is double ms ? ms / 1000.0 : info->DefaultLowOutputLatency,
        HostApiSpecificStreamInfo = 0,
    };

    // The PortAudio callback (real-time thread): no allocation, no lock, no logging, no exception escapes.
    [UnmanagedCallersOnly]
    private static int Callback(nint input, nint output, CULong frameCount, nint timeInfo, CULong statusFlags, nint userData)
    {
        try
        {
            var node = Unsafe.As<PortAudioDeviceNode>(GCHandle.FromIntPtr(userData).Target);
            if (node is null)
            {
                return PortAudioNative.paAbort;
            }

            if (timeInfo != 0)
            {
                node.OnStreamTime(((PaStreamCallbackTimeInfo*)timeInfo)->CurrentTime);
            }

            return node.OnCallback((float*)input, (float*)output, (int)frameCount.Value, statusFlags.Value);
        }
        catch
        {
            return PortAudioNative.paAbort;
        }
    }

    private void OnStreamTime(double currentTime)
    {
        if (double.IsNaN(_firstStreamTime))
        {
            Volatile.Write(ref _firstStreamTime, currentTime);
        }

        Volatile.Write(ref _lastStreamTime, currentTime);
    }

    private int OnCallback(float* input, float* output, int frames, nuint status)
    {
        IGraphCycle? cycle = _cycle;
        AudioBuffer? capture = _captureStage;
        AudioBuffer? playback = _playbackStage;
        int inChannels = _parameters.InputChannels;
        int outChannels = _parameters.OutputChannels;
        if (cycle is null || capture is null || playback is null)
        {
            return PortAudioNative.paAbort;
        }

        if (!_warmedUp)
        {
            _warmedUp = true;
            cycle.WarmUp();
        }

        // PortAudio may raise the thread's priority from the thread that started the stream, after the first callbacks:
        // the policy is read again at callbacks 1, 2, 4, 8, … (a system call, no allocation).
        if (ThreadScheduling.Supported && (_callbacks & (_callbacks + 1)) == 0)
        {
            Volatile.Write(ref _callbackThreadRealtime, ThreadScheduling.CurrentThreadIsRealtime() ? 1 : 0);
        }

        if (_parameters.PacedBySystemClock && Pace(frames))
        {
            Volatile.Write(ref _xruns, _xruns + 1);
            cycle.ReportXrun();
        }

        Measure();

        if ((status & (nuint)(PortAudioNative.paInputUnderflow | PortAudioNative.paInputOverflow | PortAudioNative.paOutputUnderflow | PortAudioNative.paOutputOverflow)) != 0)
        {
            Volatile.Write(ref _xruns, _xruns + 1);
            cycle.ReportXrun();
        }

        Volatile.Write(ref _callbacks, _callbacks + 1);
        Volatile.Write(ref _callbackFrames, _callbackFrames + frames);
        int done = 0;
        bool keepGoing = true;
        while (done < frames)
        {
            int chunk = Math.Min(frames - done, _maxBlockFrames);
            if (inChannels > 0)
            {
                if (input is not null)
                {
                    capture.DeinterleaveFrom(new ReadOnlySpan<float>(input + (long)done * inChannels, chunk * inChannels), 0);
                }
                else
                {
                    capture.Clear(chunk);
                }
            }

            playback.Clear(chunk);
            keepGoing = cycle.Run(chunk);
            if (outChannels > 0 && output is not null)
            {
                playback.InterleaveTo(new Span<float>(output + (long)done * outChannels, chunk * outChannels), 0);
            }

            done += chunk;
            if (!keepGoing)
            {
                break;
            }
        }

        if (done < frames && outChannels > 0 && output is not null)
        {
            new Span<float>(output + (long)done * outChannels, (frames - done) * outChannels).Clear();
        }

        if (!keepGoing)
        {
            Volatile.Write(ref _streamEnded, 1);
            return PortAudioNative.paComplete;
        }

        return PortAudioNative.paContinue;
    }

    // Waits until this callback's frames are due on CLOCK_MONOTONIC (the device has no clock). True when the callback
    // came later than the stream latency after its due time: an xrun (the schedule restarts from now).
    private bool Pace(int frames)
    {
        long now = MonotonicClock.NowNanoseconds();
        bool late = false;
        if (_paceAnchorNs == 0)
        {
            _paceAnchorNs = now;
            _pacedFrames = 0;
        }
        else
        {
            long due = _paceAnchorNs + (long)(_pacedFrames * _nanosecondsPerFrame);
            if (now < due)
            {
                MonotonicClock.SleepUntil(due);
                now = MonotonicClock.NowNanoseconds();
            }

            long lateness = now - due; // including the wake-up latency after the sleep
            if (lateness > _maxLatenessNs)
            {
                Volatile.Write(ref _maxLatenessNs, lateness);
                Volatile.Write(ref _maxLatenessCallback, _callbacks + 1);
            }

            if (lateness > _paceToleranceNs)
            {
                late = true;
                _paceAnchorNs = now;
                _pacedFrames = 0;
            }
        }

        _pacedFrames += frames;
        return late;
    }

    // Wall time against frames: the measured rate, and the flag for a device running ahead of real time.
    private void Measure()
    {
        long ticks = Stopwatch.GetTimestamp();
        long frames = _callbackFrames; // frames of the callbacks before this one
        if (_firstCallbackTicks == 0)
        {
            Volatile.Write(ref _framesAtFirstCallback, frames);
            Volatile.Write(ref _firstCallbackTicks, ticks);
        }
        else if (_fasterThanRealTime == 0)
        {
            double due = (ticks - _firstCallbackTicks) * _sampleRate / Stopwatch.Frequency;
            if (frames - _framesAtFirstCallback - due > _aheadLimitFrames)
            {
                Volatile.Write(ref _fasterThanRealTime, 1);
            }
        }

        Volatile.Write(ref _framesAtLastCallback, frames);
        Volatile.Write(ref _lastCallbackTicks, ticks);
    }
}
