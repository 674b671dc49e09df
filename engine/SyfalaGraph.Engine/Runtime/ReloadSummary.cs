namespace SyfalaGraph.Engine.Runtime;

/// <summary>What a reload changed, for the one-line log and the reload event.</summary>
/// <param name="Added">Nodes built and started.</param>
/// <param name="Removed">Nodes stopped and disposed.</param>
/// <param name="UpdatedLive">Nodes that took new parameters without being recreated.</param>
/// <param name="Recreated">Nodes replaced by a new instance (type, ports or non-live parameters changed).</param>
/// <param name="LinksChanged">Links added or removed.</param>
/// <param name="Elapsed">From the start of <see cref="GraphRuntime.Apply"/> to the new schedule running.</param>
public sealed record ReloadSummary(int Added, int Removed, int UpdatedLive, int Recreated, int LinksChanged, TimeSpan Elapsed)
{
    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Added + Removed + UpdatedLive + Recreated + LinksChanged == 0;

    /// <summary><c>+2 nodes, ~1 params, -1 node, 3 links rewired, applied in 4.1 ms</c>.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"+{Added} node(s), ~{UpdatedLive} params live, {Recreated} recreated, -{Removed} node(s), {LinksChanged} link(s) rewired, applied in {Elapsed.TotalMilliseconds:F1} ms");
}
