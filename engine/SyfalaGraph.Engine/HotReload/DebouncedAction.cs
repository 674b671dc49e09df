namespace SyfalaGraph.Engine.HotReload;

/// <summary>
/// Runs an action on its own task once a burst of <see cref="Signal"/> calls has been quiet for the debounce
/// interval (editors and builds write files in bursts). One run at a time; disposal waits for a run in progress.
/// </summary>
internal sealed class DebouncedAction : IDisposable
{
    private readonly SemaphoreSlim _signals = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private bool _disposed;

    public DebouncedAction(TimeSpan debounce, Action action)
    {
        _loop = Task.Run(async () =>
        {
            CancellationToken token = _stop.Token;
            try
            {
                while (true)
                {
                    await _signals.WaitAsync(token);
                    while (await _signals.WaitAsync(debounce, token))
                    {
                    }

                    action();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>Something changed; the action runs after the next quiet interval. Any thread.</summary>
    public void Signal() => _signals.Release();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
        _signals.Dispose();
    }
}
