using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// A YAML file as the JSON data an editor validates against a schema: YAML 1.2 core-schema typing of plain scalars
/// (what yaml-language-server does): <c>~</c>/<c>null</c>, <c>true</c>/<c>false</c>, integers and floats become JSON
/// null, booleans and numbers; every quoted or other scalar is a string. Aliases are expanded and merge keys
/// (<c>&lt;&lt;: *name</c>) merged, as yaml-language-server's parser does; like it (the <c>yaml</c> package's
/// <c>maxAliasCount</c>), a file whose aliases expand without bound is refused: here beyond
/// <see cref="MaxExpandedNodes"/> values.
/// </summary>
internal static partial class YamlAsJson
{
    /// <summary>The most values the JSON form of a file may have once its aliases are expanded.</summary>
    public const int MaxExpandedNodes = 1_000_000;

    /// <summary>The first document of <paramref name="yaml"/>; throws when it is not YAML, or not JSON data (duplicate keys, .inf, .nan, unbounded aliases).</summary>
    public static JsonElement Read(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml)); // aliases become the anchored nodes; merge keys are merged below
        int budget = MaxExpandedNodes;
        JsonNode? node = stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, ref budget);
        return JsonSerializer.SerializeToElement(node);
    }

    private static JsonNode? Convert(YamlNode node, ref int budget)
    {
        if (--budget < 0)
        {
            throw new InvalidDataException($"more than {MaxExpandedNodes} values once aliases are expanded");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var o = new JsonObject();
                var merged = new List<YamlMappingNode>();
                foreach ((YamlNode key, YamlNode value) in map.Children)
                {
                    string name = key is YamlScalarNode { Value: { } k } ? k : throw new InvalidDataException($"a non-scalar key at {key.Start}");
                    if (key is YamlScalarNode { Style: ScalarStyle.Plain, Value: "<<" })
                    {
                        // YAML 1.1 merge: the keys of these mappings that the mapping does not write (earlier ones win).
                        merged.AddRange(value is YamlSequenceNode list ? list.Children.Cast<YamlMappingNode>() : [(YamlMappingNode)value]);
                        continue;
                    }

                    o.Add(name, Convert(value, ref budget)); // a duplicate key throws: JSON data has none
                }

                foreach ((YamlNode key, YamlNode value) in merged.SelectMany(m => m.Children))
                {
                    string name = ((YamlScalarNode)key).Value!;
                    if (!o.ContainsKey(name))
                    {
                        o.Add(name, Convert(value, ref budget));
                    }
                }

                return o;
            case YamlSequenceNode seq:
                var a = new JsonArray();
                foreach (YamlNode item in seq.Children)
                {
                    a.Add(Convert(item, ref budget));
                }

                return a;
            case YamlScalarNode s:
                return Scalar(s);
            default:
                throw new InvalidOperationException($"unexpected YAML node {node.GetType().Name}");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        string text = s.Value ?? "";
        if (s.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text[0] is 't' or 'T');
        }

        if (IntRegex().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
                ? JsonValue.Create(l)
                : JsonValue.Create(decimal.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        if (FloatRegex().IsMatch(text))
        {
            return JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long hex))
        {
            return JsonValue.Create(hex);
        }

        if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && text.AsSpan(2).IndexOfAnyExcept("01234567") < 0)
        {
            return JsonValue.Create(System.Convert.ToInt64(text[2..], 8));
        }

        if (SpecialFloatRegex().IsMatch(text))
        {
            throw new InvalidDataException($"'{text}' at {s.Start} has no JSON form");
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntRegex();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatRegex();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")]
    private static partial Regex SpecialFloatRegex();
}
