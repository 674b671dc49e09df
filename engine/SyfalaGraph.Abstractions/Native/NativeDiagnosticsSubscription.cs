namespace SyfalaGraph.Abstractions.Native;

/// <summary>
/// A logger's hold on a native library's diagnostic lines (<see cref="NativeDiagnostics.Subscribe"/>); disposing it
/// routes what was already printed, then forgets the logger. Idempotent. Audio thread: no.
/// </summary>
public sealed class NativeDiagnosticsSubscription : IDisposable
{
    private int _disposed;

    internal NativeDiagnosticsSubscription(string source) => Source = source;

    /// <summary>The source subscribed to (<see cref="NativeDiagnostics.Jack"/> or <see cref="NativeDiagnostics.Alsa"/>).</summary>
    public string Source { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            NativeDiagnostics.Unsubscribe(this);
        }
    }
}
