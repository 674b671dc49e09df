namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>
/// A node that owns a clock (an audio device, a network peer, a timer) and runs its domain of the
/// graph from its own real-time thread, once per period, through <see cref="IGraphCycle.Run"/>.
/// </summary>
/// <remarks>
/// A driver's native callback must be unregistered in <see cref="Stop"/> (e.g. <c>jack_client_close</c>,
/// <c>Pa_CloseStream</c>) before it returns: no native code may call into the node afterwards.
/// </remarks>
public interface IDriverNode
{
    /// <summary>The sample rate the device imposes, in Hz, or null when the graph's rate is used.</summary>
    double? ImposedSampleRate { get; }

    /// <summary>
    /// The rate in Hz the graph runs at when <c>settings.sample_rate</c> is <c>auto</c> and no driver imposes one (e.g.
    /// an audio device's default rate), or null for the engine's default. Unlike <see cref="ImposedSampleRate"/>, an
    /// explicit <c>settings.sample_rate</c> wins. Read once the node is constructed, before <see cref="AudioNode.Prepare"/>.
    /// </summary>
    double? PreferredSampleRate => null;

    /// <summary>The period the device imposes, in frames, or null when the graph's block size is used.</summary>
    int? ImposedBlockFrames { get; }

    /// <summary>
    /// Starts the clock. From then on the driver calls <paramref name="cycle"/>.<see cref="IGraphCycle.Run"/>
    /// once per period from its real-time thread. Audio thread: no.
    /// </summary>
    /// <exception cref="NodeException">The device or clock cannot start.</exception>
    void Start(IGraphCycle cycle);

    /// <summary>Stops the clock; returns only after the last <see cref="IGraphCycle.Run"/> has returned. Audio thread: no.</summary>
    void Stop();
}
