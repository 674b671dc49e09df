using SyfalaGraph.Abstractions.Nodes;

namespace SyfalaGraph.Engine.Clocks;

/// <summary>The <c>offline</c> driver: runs blocks back to back on its own thread, as fast as the nodes allow.</summary>
internal sealed class OfflineClock(int blockFrames) : IDriverNode
{
    private Thread? _thread;
    private volatile bool _stop;

    public double? ImposedSampleRate => null;

    public int? ImposedBlockFrames => null;

    public void Start(IGraphCycle cycle)
    {
        _thread = new Thread(() =>
        {
            cycle.WarmUp();
            while (!_stop && cycle.Run(blockFrames))
            {
            }
        })
        {
            Name = "syfalagraph offline clock",
            IsBackground = true,
            Priority = ThreadPriority.AboveNormal,
        };
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }
}
