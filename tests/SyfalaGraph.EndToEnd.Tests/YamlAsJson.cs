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
/// null, booleans and numbers; every quoted or other scalar is a string. Aliases are expanded.
/// </summary>
internal static partial class YamlAsJson
{
    /// <summary>The first document of <paramref name="yaml"/>; throws when it is not YAML, or not JSON data (duplicate keys, .inf, .nan).</summary>
    public static JsonElement Read(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        JsonNode? node = stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
        return JsonSerializer.SerializeToElement(node);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => Mapping(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode s => Scalar(s),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.GetType().Name}"),
    };

    private static JsonObject Mapping(YamlMappingNode map)
    {
        var o = new JsonObject();
        foreach ((YamlNode key, YamlNode value) in map.Children)
        {
            string name = key is YamlScalarNode { Value: { } k } ? k : throw new InvalidDataException($"a non-scalar key at {key.Start}");
            o.Add(name, Convert(value)); // a duplicate key throws: JSON data has none
        }

        return o;
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
