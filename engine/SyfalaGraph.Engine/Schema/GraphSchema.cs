using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Parameters;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Engine.Schema;

/// <summary>
/// A JSON Schema (draft 2020-12) of graph files including every loaded node type's parameters, for editors
/// (yaml-language-server: <c># yaml-language-server: $schema=syfala-graph.schema.json</c>).
/// </summary>
/// <remarks>
/// Design: the schema accepts what the reader and the binder accept, no more and no less, for everything a schema
/// can see (types, keys, ranges, names), because it is generated from what they read:
/// <list type="bullet">
/// <item>the keys of every level and their value schemas from <see cref="GraphFileKeys"/>, the list
/// <see cref="GraphFileParser"/> checks against;</item>
/// <item>each node type's <c>params</c> from <see cref="ParameterBinder.Describe"/> (the binder's descriptors), with
/// the binder's rules: a string parameter takes any scalar (<c>name: 2</c> is "2"), <c>null</c> is taken where the
/// property is nullable or a reference type, integers are bounded by their C# type, a <see cref="RangeAttribute"/>
/// bounds every item of a list, and an enum takes every spelling <see cref="SnakeCase.Loose"/> folds to one of its
/// names (<c>pcm_24</c>, <c>PCM_24</c>, <c>pcm-24</c>, <c>pcm24</c>) through <see cref="SnakeCase.LoosePattern"/>,
/// beside an <c>enum</c> of the canonical names that editors complete.</item>
/// </list>
/// What it cannot know is left to <c>syfala-graph validate</c>: node ids named by links and clocks, ports, channel
/// counts, cycles, cross-parameter checks (<c>Validate()</c>), files. A node's <c>params</c> is declared once per
/// node type (in an <c>if</c>/<c>then</c> on its <c>type</c>), never also in the common part, so an editor offers it
/// once; the allowed node keys are stated with <c>propertyNames</c> for that reason.
/// </remarks>
public static class GraphSchema
{
    /// <summary>The file name <c>syfala-graph schema --write</c> gives the schema.</summary>
    public const string FileName = "syfala-graph.schema.json";

    /// <summary>Builds the schema for the node types in <paramref name="registry"/>. Not for the audio thread.</summary>
    public static JsonObject Build(NodeTypeRegistry registry)
    {
        var top = new JsonObject();
        foreach (GraphFileKey key in GraphFileKeys.Top)
        {
            JsonObject s = key.ValueSchema();
            switch (key.Name)
            {
                case "settings":
                    s["additionalProperties"] = false;
                    s["properties"] = Properties(GraphFileKeys.Settings);
                    break;
                case "nodes":
                    s["propertyNames"] = new JsonObject { ["pattern"] = GraphFileKeys.NodeIdPattern };
                    s["additionalProperties"] = NodeSchema(registry);
                    break;
                case "links":
                    s["items"] = new JsonObject
                    {
                        ["oneOf"] = new JsonArray(
                            GraphFileKeys.LinkText(),
                            new JsonObject
                            {
                                ["type"] = "object",
                                ["required"] = new JsonArray("link"),
                                ["additionalProperties"] = false,
                                ["properties"] = Properties(GraphFileKeys.Link),
                            }),
                    };
                    break;
            }

            top[key.Name] = Finish(key, s);
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "SyfalaGraph graph file",
            ["type"] = "object",
            ["required"] = new JsonArray("version", "nodes"),
            ["additionalProperties"] = false,
            ["properties"] = top,
        };
    }

    /// <summary>The schema as indented JSON text.</summary>
    public static string ToJson(NodeTypeRegistry registry) =>
        Build(registry).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static JsonObject NodeSchema(NodeTypeRegistry registry)
    {
        NodeTypeDescriptor[] types = registry.Types.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        var props = new JsonObject();
        foreach (GraphFileKey key in GraphFileKeys.Node.Where(k => k.Name != GraphFileKeys.NodeParamsKey))
        {
            JsonObject s = key.ValueSchema();
            if (key.Name == GraphFileKeys.NodeTypeKey)
            {
                s["enum"] = Strings(types.Select(t => t.Name));
            }

            props[key.Name] = Finish(key, s);
        }

        var variants = new JsonArray();
        foreach (NodeTypeDescriptor t in types)
        {
            JsonObject parameters = ObjectSchema(t.ParametersType, t.Description);
            bool required = parameters.ContainsKey("required");

            // 'params:' left empty binds the defaults; a type with required parameters needs them written.
            var then = new JsonObject { ["properties"] = new JsonObject { [GraphFileKeys.NodeParamsKey] = required ? parameters : OrNull(parameters) } };
            if (required)
            {
                then["required"] = new JsonArray(GraphFileKeys.NodeParamsKey);
            }

            variants.Add(new JsonObject { ["if"] = TypeIs(new JsonObject { ["const"] = t.Name }), ["then"] = then });
        }

        // A node whose type is missing or unknown (already an error) still gets 'params' offered and checked as a mapping.
        GraphFileKey paramsKey = GraphFileKeys.Node.Single(k => k.Name == GraphFileKeys.NodeParamsKey);
        variants.Add(new JsonObject
        {
            ["if"] = TypeIs(new JsonObject { ["enum"] = Strings(types.Select(t => t.Name)) }),
            ["else"] = new JsonObject { ["properties"] = new JsonObject { [paramsKey.Name] = Finish(paramsKey, paramsKey.ValueSchema()) } },
        });

        return new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray(GraphFileKeys.NodeTypeKey),
            ["propertyNames"] = new JsonObject { ["enum"] = Strings(GraphFileKeys.Names(GraphFileKeys.Node)) },
            ["properties"] = props,
            ["allOf"] = variants,
        };
    }

    private static JsonObject TypeIs(JsonObject condition) => new()
    {
        ["required"] = new JsonArray(GraphFileKeys.NodeTypeKey),
        ["properties"] = new JsonObject { [GraphFileKeys.NodeTypeKey] = condition },
    };

    private static JsonObject Properties(IReadOnlyList<GraphFileKey> keys)
    {
        var props = new JsonObject();
        foreach (GraphFileKey key in keys)
        {
            props[key.Name] = Finish(key, key.ValueSchema());
        }

        return props;
    }

    // The key's description, and null beside the value where the reader takes an empty key.
    private static JsonObject Finish(GraphFileKey key, JsonObject s)
    {
        s["description"] = key.Description;
        return key.MayBeEmpty ? OrNull(s) : s;
    }

    private static JsonArray Strings(IEnumerable<string> names) => new(names.Select(n => (JsonNode)n!).ToArray());

    private static JsonObject ObjectSchema(Type type, string description)
    {
        var props = new JsonObject();
        var required = new JsonArray();
        foreach (ParameterDescriptor p in ParameterBinder.Describe(type))
        {
            JsonObject s = ValueSchema(p.Type, p.Range);
            string desc = p.Description + (p.Unit is null ? "" : $" [{p.Unit}]");
            if (desc.Length > 0)
            {
                s["description"] = desc;
            }

            if (p.DefaultValue is { } d && (d.GetType().IsPrimitive || d is string || d.GetType().IsEnum))
            {
                s["default"] = d.GetType().IsEnum ? JsonValue.Create(SnakeCase.From(d.ToString()!)) : JsonSerializer.SerializeToNode(d);
            }

            props[p.Name] = s;
            if (p.IsRequired)
            {
                required.Add(p.Name);
            }
        }

        var o = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = props };
        if (description.Length > 0)
        {
            o["description"] = description;
        }

        if (required.Count > 0)
        {
            o["required"] = required;
        }

        return o;
    }

    private static JsonObject ValueSchema(Type type, RangeAttribute? range)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        Type t = underlying ?? type;

        // The binder takes 'key: ~' for a nullable or reference type, and for a record (its defaults).
        bool nullable = underlying is not null || !type.IsValueType;
        JsonObject s;
        if (t == typeof(string))
        {
            // Any scalar binds to a string: 'name: 2' is "2", 'name: true' is "true".
            s = new JsonObject { ["anyOf"] = new JsonArray(Typed("string"), Typed("number"), Typed("boolean")) };
        }
        else if (t == typeof(bool))
        {
            s = new JsonObject { ["type"] = "boolean" };
        }
        else if (t == typeof(double) || t == typeof(float))
        {
            s = new JsonObject { ["type"] = "number" };
            AddRange(s, range);
        }
        else if (t.IsPrimitive || t == typeof(decimal))
        {
            // Integers: the binder reads a whole number (decimal too) and refuses one its type cannot hold.
            s = new JsonObject { ["type"] = "integer" };
            (long min, long max) = IntegerBounds(t);
            s["minimum"] = min;
            s["maximum"] = max;
            AddRange(s, range);
        }
        else if (t.IsEnum)
        {
            string[] names = Enum.GetNames(t);
            s = new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["enum"] = Strings(names.Select(SnakeCase.From)) },
                    new JsonObject { ["type"] = "string", ["pattern"] = SnakeCase.LoosePattern(names) }),
            };
        }
        else if (ParameterBinder.ElementType(t) is { } element)
        {
            s = new JsonObject { ["type"] = "array", ["items"] = ValueSchema(element, range) };
        }
        else
        {
            s = ObjectSchema(t, "");
            nullable = true;
        }

        return nullable ? OrNull(s) : s;
    }

    private static JsonObject Typed(string type) => new() { ["type"] = type };

    // s or null, as an anyOf of single types (no 'type' arrays: ajv's strict mode refuses union types); the
    // description and default stay outside, where editors show them.
    private static JsonObject OrNull(JsonObject s)
    {
        if (s["anyOf"] is JsonArray any && s.Count == 1)
        {
            any.Add(Typed("null"));
            return s;
        }

        var outer = new JsonObject();
        foreach (string k in new[] { "description", "default" })
        {
            if (s[k] is { } v)
            {
                s.Remove(k);
                outer[k] = v;
            }
        }

        outer["anyOf"] = new JsonArray(s, Typed("null"));
        return outer;
    }

    private static (long Min, long Max) IntegerBounds(Type t) => Type.GetTypeCode(t) switch
    {
        TypeCode.SByte => (sbyte.MinValue, sbyte.MaxValue),
        TypeCode.Byte => (byte.MinValue, byte.MaxValue),
        TypeCode.Int16 => (short.MinValue, short.MaxValue),
        TypeCode.UInt16 or TypeCode.Char => (ushort.MinValue, ushort.MaxValue),
        TypeCode.Int32 => (int.MinValue, int.MaxValue),
        TypeCode.UInt32 => (uint.MinValue, uint.MaxValue),
        TypeCode.UInt64 => (0, long.MaxValue), // read as a long
        _ => (long.MinValue, long.MaxValue),
    };

    private static void AddRange(JsonObject s, RangeAttribute? range)
    {
        if (range is null || !TryDouble(range.Minimum, out double min) || !TryDouble(range.Maximum, out double max))
        {
            return;
        }

        // Tighten the type's bounds; double.MaxValue is the attribute's way of saying "no maximum".
        if (range.MinimumIsExclusive)
        {
            s.Remove("minimum");
            s["exclusiveMinimum"] = min;
        }
        else if (s["minimum"] is null || min > s["minimum"]!.GetValue<long>())
        {
            s["minimum"] = min;
        }

        if (max >= double.MaxValue)
        {
            return;
        }

        if (range.MaximumIsExclusive)
        {
            s.Remove("maximum");
            s["exclusiveMaximum"] = max;
        }
        else if (s["maximum"] is null || max < s["maximum"]!.GetValue<long>())
        {
            s["maximum"] = max;
        }
    }

    private static bool TryDouble(object? value, out double d)
    {
        try
        {
            d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            d = 0;
            return false;
        }
    }
}
