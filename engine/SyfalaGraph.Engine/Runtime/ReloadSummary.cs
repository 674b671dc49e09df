namespace SyfalaGraph.Engine.Runtime;

/// <summary>What a reload changed, for the one-line log and the reload event.</summary>
/// <param name="Added">Nodes built and started.</param>
/// <param name="Removed">Nodes stopped and disposed.</param>
/// <param name="UpdatedLive">Nodes that took new parameters without being recreated.</param>
/// <param name="Recreated">Nodes replaced by a new instance (type, ports or non-live parameters changed).</param>
/// <param name="LinksChanged">Links added or removed.</param>
/// <param name="Elapsed">From the start of <see cref="GraphRuntime.Apply"/> to the new schedule running.</param>
/// <param name="Changes">
/// What changed, one entry each, in file order: <c>+node beep (tone)</c>, <c>-node beep</c>, <c>~gain_db on vol</c> (taken
/// live), <c>*vol recreated (~subtype)</c> (a new instance: type, ports, clock domain or parameters it cannot take
/// live), <c>+link a.out -> m.in1</c>, <c>-link a.out -> m.in1</c>.
/// </param>
public sealed record ReloadSummary(int Added, int Removed, int UpdatedLive, int Recreated, int LinksChanged, TimeSpan Elapsed,
    IReadOnlyList<string> Changes)
{
    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Added + Removed + UpdatedLive + Recreated + LinksChanged == 0;

    /// <summary><c>~gain_db on vol, +node beep (tone), +link beep.out -> m.in1 (applied in 4.1 ms)</c>.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{(Changes.Count == 0 ? "nothing changed" : string.Join(", ", Changes))} (applied in {Elapsed.TotalMilliseconds:F1} ms)");
}
