namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>The engine's side of a driver: runs one period of the driver's domain.</summary>
public interface IGraphCycle
{
    /// <summary>
    /// Runs every node of the domain once, in topological order, for <paramref name="frames"/> frames
    /// (at most the prepared maximum block size). Audio thread: yes; allocation-free and lock-free.
    /// </summary>
    /// <returns>False once the engine wants the driver to stop (the graph ended or is shutting down).</returns>
    bool Run(int frames);

    /// <summary>Reports an xrun seen by the driver (device over/underrun). Audio thread: yes.</summary>
    void ReportXrun();

    /// <summary>
    /// Reports a block the driver ran a whole period or more after its deadline, to catch up after a late wake-up
    /// (its audio is delayed, not dropped). Counted apart from xruns. Audio thread: yes. The default does nothing.
    /// </summary>
    void ReportLateBlock()
    {
    }

    /// <summary>
    /// Warms the calling thread up (JIT, first reverse P/Invoke) before the first real period.
    /// Call it once from a new native callback thread. Audio thread: yes.
    /// </summary>
    void WarmUp();
}
