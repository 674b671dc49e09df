using System.Net;
using System.Diagnostics;
using System.Net.Sockets;
using SyfalaGraph.Dsp.Clocking;
using SyfalaGraph.Dsp.Resampling;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Rings;
using SyfalaGraph.Plugins.Syfala.Internal.Control;
using SyfalaGraph.Plugins.Syfala.Internal.Transport;
using SyfalaGraph.Plugins.Syfala.Nodes;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Internal.Audio;

// Design: everything audio of one node, shared by server and client: the send rings (audio thread → sender thread),
// the receive buffers (receiver thread → audio thread), the two threads, and the session handover. The control
// plane calls Activate/Deactivate; Activate returns once both threads have acknowledged the new session, so the
// server answers StartIOSuccess only after its receive side is anchored. Both sides activate without sending and
// call StartSending after StartIOSuccess (the client once it received it, the server once it sent it), which anchors
// the send side there (byte 0 of each stream = the next frame the graph writes): no audio precedes the reply.

/// <summary>The audio half of a Syfala node. Created in Prepare, started in Start.</summary>
internal sealed class AudioPath
{
    private readonly RingProducer<float>[] _sendRings;
    private readonly ReceiveBuffer[] _receiveBuffers;
    private readonly AudioSender _sender;
    private readonly AudioReceiver _receiver;
    private readonly ReceiveStatistics _stats = new();
    private readonly IDatagramTransport _transport;
    private readonly int[] _sendChannels;
    private readonly double _sampleRate;
    private readonly int _maxDatagramBytes;
    private AudioSession? _session;
    private int _generation;
    private volatile bool _sending;

    public AudioPath(IDatagramTransport transport, ControlInbox inbox, bool atServer, int[] sendChannels, int[] receiveChannels,
        double sampleRate, int maxBlockFrames, SyfalaNodeParameters parameters)
    {
        _transport = transport;
        _sendChannels = sendChannels;
        _sampleRate = sampleRate;
        _maxDatagramBytes = parameters.MaxDatagramBytes;
        int sendRingFrames = Math.Max((int)(sampleRate / 4), 16 * maxBlockFrames);
        _sendRings = new RingProducer<float>[sendChannels.Length];
        var consumers = new RingConsumer<float>[sendChannels.Length];
        for (int i = 0; i < sendChannels.Length; i++)
        {
            (_sendRings[i], consumers[i]) = SpscRing.Create<float>(sendRingFrames * sendChannels[i]);
        }

        _receiveBuffers = new ReceiveBuffer[receiveChannels.Length];
        for (int i = 0; i < receiveChannels.Length; i++)
        {
            // Driving the domain from the arrivals, this side follows the peer: one block of buffering, no resampling.
            _receiveBuffers[i] = parameters.Drive
                ? new ReceiveBuffer(receiveChannels[i], maxBlockFrames, maxBlockFrames)
                : new ReceiveBuffer(receiveChannels[i], parameters.LatencyFramesFor(maxBlockFrames), maxBlockFrames, sampleRate, parameters.DriftCompensation, parameters.Quality,
                    parameters.AdaptiveJitterBuffer);
        }

        double latencySeconds = parameters.LatencyFramesFor(maxBlockFrames) / sampleRate;
        double reorderSeconds = Math.Clamp(latencySeconds / 2, 0.002, 0.1);
        // What the jitter buffer tolerates around the expected byte_idx: a longer jump must be confirmed (StreamReassembler).
        double reachSeconds = Math.Max(0.1, latencySeconds);
        _sender = new AudioSender(transport, consumers, sendChannels, atServer, parameters.MaxDatagramBytes, parameters.Chaos);
        _receiver = new AudioReceiver(transport, inbox, _receiveBuffers, atServer, parameters.MaxDatagramBytes - AudioMessageHeader.EncodedLength,
            reorderSeconds, reachSeconds, _stats);
    }

    /// <summary>
    /// Refuses a <see cref="SyfalaNodeParameters.LatencyFrames"/> below what the drift-following jitter buffer needs for
    /// <paramref name="blockFrames"/>-frame blocks at the chosen quality (<see cref="ClockBridge.MinimumLatency"/>), when the
    /// node receives <paramref name="receivedStreams"/> &gt; 0 streams.
    /// </summary>
    /// <exception cref="NodeException">The latency is too low; the message gives the minimum and how to lower it.</exception>
    public static void CheckLatency(SyfalaNodeParameters parameters, int blockFrames, int receivedStreams)
    {
        if (!parameters.DriftCompensation || parameters.Drive || receivedStreams == 0)
        {
            return;
        }

        int minimum = ClockBridge.MinimumLatency(blockFrames, blockFrames, parameters.Quality);
        if (parameters.LatencyFramesFor(blockFrames) < minimum)
        {
            string lower = parameters.Quality == ResamplerQuality.Low
                ? ""
                : $", or quality: low ({ClockBridge.MinimumLatency(blockFrames, blockFrames, ResamplerQuality.Low)})";
            throw new NodeException(
                $"latency_frames {parameters.LatencyFrames} is below the least the drift-following jitter buffer needs for {blockFrames}-frame blocks at {parameters.Quality.ToString().ToLowerInvariant()} quality: {minimum} frames (a block to write, a block to read, the resampler's look-ahead); raise it{lower}, or drift_compensation: false (a plain buffer, no drift following)");
        }
    }

    public AudioSender Sender => _sender;

    /// <summary>The node's socket (tests send through it, from the node's own address, what a forger would).</summary>
    public IDatagramTransport Transport => _transport;

    public AudioReceiver Receiver => _receiver;

    public ReceiveStatistics Statistics => _stats;

    public IReadOnlyList<ReceiveBuffer> ReceiveBuffers => _receiveBuffers;

    /// <summary>Underflows of every receive buffer so far (any thread; allocates nothing).</summary>
    public long Underflows => SumOverReceiveBuffers(static b => b.Underflows);

    /// <summary>Blocks of every receive buffer played as silence for want of received audio (<see cref="ReceiveBuffer.StarvedBlocks"/>; any thread).</summary>
    public long StarvedBlocks => SumOverReceiveBuffers(static b => b.StarvedBlocks);

    /// <summary>Frames the audio thread could not hand to the sender (rings full), all streams.</summary>
    public long SendOverflows
    {
        get
        {
            long n = 0;
            foreach (RingProducer<float> ring in _sendRings)
            {
                n += ring.Overflows;
            }

            return n;
        }
    }

    /// <summary>The current session (null when no I/O).</summary>
    public AudioSession? Session => Volatile.Read(ref _session);

    public void Start(string name)
    {
        // Linux shows the first 15 characters of a thread name (top -H, /proc/*/task/*/comm): direction first.
        _receiver.Start("rx " + name);
        _sender.Start("tx " + name);
    }

    public void Stop()
    {
        Deactivate();
        _sender.Stop(TimeSpan.FromSeconds(2));
        _receiver.Stop(TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// Releases the wake-ups' descriptors. After <see cref="Stop"/>, once the graph no longer calls
    /// <see cref="Send"/> (node disposal).
    /// </summary>
    public void Dispose()
    {
        _sender.DisposeWake();
        foreach (ReceiveBuffer buffer in _receiveBuffers)
        {
            buffer.Arrived?.Dispose();
        }
    }

    /// <summary>
    /// Publishes a new session and waits (bounded: 1 s) until both threads have reset to it. Streams at another rate
    /// than the graph's (a client with resample: true) get their converters here, off the audio threads. Control plane only.
    /// </summary>
    /// <returns>False when a thread did not acknowledge in time.</returns>
    public bool Activate(SocketAddress peer, StreamFormat[] sendFormats, StreamFormat[] receiveFormats, bool sending)
    {
        var converters = new RateConverter?[sendFormats.Length];
        for (int i = 0; i < sendFormats.Length && i < _sendChannels.Length; i++)
        {
            if (sendFormats[i].SampleRate != _sampleRate)
            {
                // The sender converts at most one datagram's worth of frames at a time.
                int bytesPerFrame = _sendChannels[i] * sendFormats[i].SampleType.BytesPerSample();
                int framesPerDatagram = Math.Max(1, (_maxDatagramBytes - AudioMessageHeader.EncodedLength) / bytesPerFrame);
                converters[i] = new RateConverter(_sendChannels[i], _sampleRate, sendFormats[i].SampleRate, framesPerDatagram);
            }
        }

        for (int i = 0; i < receiveFormats.Length && i < _receiveBuffers.Length; i++)
        {
            _receiveBuffers[i].UseProducerRate(receiveFormats[i].SampleRate);
        }

        var session = new AudioSession(++_generation, peer, sendFormats, receiveFormats, sending, converters);
        Volatile.Write(ref _session, session);
        _sending = sending;
        _receiver.SetSession(session);
        _sender.SetSession(session);
        return WaitForAcknowledgement(session.Generation, sending);
    }

    /// <summary>Lets the sender send in the current session (after StartIOSuccess: received by a client, sent by the server). Control plane only.</summary>
    public bool StartSending()
    {
        AudioSession? current = Volatile.Read(ref _session);
        if (current is null)
        {
            return false;
        }

        var session = current with { Generation = ++_generation, Sending = true };
        Volatile.Write(ref _session, session);
        _sender.SetSession(session);
        _sending = true;
        // The receiver keeps its session (and generation): its reassembly started with StartIO.
        return WaitForAcknowledgement(session.Generation, true, receiverToo: false);
    }

    /// <summary>Ends the session: nothing sent, nothing accepted, receive buffers emptied (outputs silent).</summary>
    public void Deactivate()
    {
        _sending = false;
        Volatile.Write(ref _session, null);
        _sender.SetSession(null);
        _receiver.SetSession(null);
        foreach (ReceiveBuffer buffer in _receiveBuffers)
        {
            buffer.RequestReset();
        }
    }

    /// <summary>
    /// One block: inputs (planar) into the send rings while a session sends, outputs from the jitter buffers.
    /// Audio thread: yes (no allocation, no lock).
    /// </summary>
    public void Process(in ProcessContext context)
    {
        Send(context);
        Receive(context);
    }

    /// <summary>Hands each input block to the sender thread while I/O runs. Audio thread: yes.</summary>
    public void Send(in ProcessContext context)
    {
        // A node that sends no stream (a receive-only server or client) does not wake its sender each period.
        if (_sending && _sendRings.Length > 0)
        {
            for (int i = 0; i < _sendRings.Length; i++)
            {
                _sendRings[i].TryWriteFrames(context.InputBuffer(i), context.Frames);
            }

            _sender.Written(); // the period leaves now, not at the sender's next poll
        }
    }

    /// <summary>Fills each output from its receive buffer. Audio thread: yes.</summary>
    public void Receive(in ProcessContext context)
    {
        for (int i = 0; i < _receiveBuffers.Length; i++)
        {
            _receiveBuffers[i].Read(context.OutputBuffer(i), context.Frames);
        }
    }

    private bool WaitForAcknowledgement(int generation, bool sender, bool receiverToo = true)
    {
        long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while ((receiverToo && _receiver.AcknowledgedGeneration < generation) || (sender && _sender.AcknowledgedGeneration < generation))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }

    // A static lambda is cached by the compiler: summing allocates nothing.
    private long SumOverReceiveBuffers(Func<ReceiveBuffer, long> counter)
    {
        long total = 0;
        foreach (ReceiveBuffer b in _receiveBuffers)
        {
            total += counter(b);
        }

        return total;
    }
}
