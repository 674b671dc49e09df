namespace SyfalaGraph.Abstractions.Parameters;

/// <summary>
/// Hands new parameters from a control thread to the audio thread without a lock: a single slot that
/// the writer fills with <see cref="Post"/> and the audio thread empties with <see cref="TryTake"/> at
/// the start of a block. A newer post replaces an untaken one (only the latest values matter).
/// </summary>
/// <typeparam name="T">The parameters type; instances must not be mutated after posting.</typeparam>
// Design: one reference-sized slot swapped with Interlocked.Exchange. Exchange is a full fence, so the
// fields of the posted object (written before Post) are visible to the audio thread that takes it.
// No allocation happens on the audio thread: it only swaps a reference for null.
public sealed class ParameterMailbox<T>
    where T : class
{
    private T? _slot;

    /// <summary>Posts new values. Any thread; audio thread: no (the caller allocates <paramref name="value"/>).</summary>
    public void Post(T value) => Interlocked.Exchange(ref _slot, value);

    /// <summary>Takes the latest posted values, if any. Audio thread: yes (wait-free).</summary>
    public bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)
    {
        if (Volatile.Read(ref _slot) is null)
        {
            value = null;
            return false;
        }

        value = Interlocked.Exchange(ref _slot, null);
        return value is not null;
    }
}
