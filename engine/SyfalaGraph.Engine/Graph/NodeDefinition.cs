using SyfalaGraph.Engine.Yaml;

namespace SyfalaGraph.Engine.Graph;

/// <summary>One entry of <c>nodes:</c> as written in the file.</summary>
/// <param name="Id">The map key.</param>
/// <param name="Type">The <c>type:</c> value.</param>
/// <param name="Params">The <c>params:</c> value, or null.</param>
/// <param name="IdPosition">Where the id is.</param>
/// <param name="TypePosition">Where the type name is.</param>
/// <param name="Clock">The <c>clock:</c> value: the id of the driver whose domain runs this node, or null to let
/// the validator assign it from the links.</param>
/// <param name="ClockPosition">Where the clock value is (the id position when there is none).</param>
public sealed record NodeDefinition(string Id, string Type, YNode? Params, SourcePosition IdPosition, SourcePosition TypePosition,
    string? Clock = null, SourcePosition ClockPosition = default)
{
    /// <summary>
    /// A canonical text of <see cref="Params"/> (positions and formatting dropped): two definitions with the
    /// same fingerprint bind to the same values. Hot reload compares these to find changed nodes.
    /// </summary>
    public string ParamsFingerprint => Fingerprint(Params);

    /// <summary>The canonical text of one YAML value, as <see cref="ParamsFingerprint"/> builds it.</summary>
    internal static string Fingerprint(YNode? node) => node switch
    {
        null => "",
        YScalar s when s.IsNull => "~",
        YScalar s => (s.Quoted ? "'" : "") + s.Value,
        YSequence q => "[" + string.Join(",", q.Items.Select(Fingerprint)) + "]",
        YMapping m => "{" + string.Join(",", m.Entries.OrderBy(e => e.Key.Value, StringComparer.Ordinal)
            .Select(e => e.Key.Value + ":" + Fingerprint(e.Value))) + "}",
        _ => "?",
    };
}
