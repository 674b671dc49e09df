using System.Text.Json;
using System.Text.Json.Nodes;
using SyfalaGraph.Engine.Parameters;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Engine.Schema;

/// <summary>
/// A JSON Schema (draft 2020-12) of graph files including every loaded node type's parameters, for editors
/// (yaml-language-server: <c># yaml-language-server: $schema=graph.schema.json</c>).
/// </summary>
public static class GraphSchema
{
    /// <summary>Builds the schema for the node types in <paramref name="registry"/>.</summary>
    public static JsonObject Build(NodeTypeRegistry registry)
    {
        var nodeVariants = new JsonArray();
        foreach (NodeTypeDescriptor t in registry.Types.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            nodeVariants.Add(new JsonObject
            {
                ["if"] = new JsonObject { ["properties"] = new JsonObject { ["type"] = new JsonObject { ["const"] = t.Name } } },
                ["then"] = new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["params"] = ObjectSchema(t.ParametersType, t.Description),
                    },
                },
            });
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "SyfalaGraph graph file",
            ["type"] = "object",
            ["required"] = new JsonArray("version", "nodes"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["version"] = new JsonObject { ["const"] = 1 },
                ["settings"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["properties"] = new JsonObject
                    {
                        ["sample_rate"] = new JsonObject
                        {
                            ["description"] = "Hz, or auto (the driver's rate)",
                            ["anyOf"] = new JsonArray(
                                new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0, ["maximum"] = 768000 },
                                new JsonObject { ["const"] = "auto" }),
                        },
                        ["block_frames"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 8192, ["description"] = "frames per block" },
                        ["clock"] = new JsonObject { ["type"] = "string", ["description"] = "offline | realtime | id of a driver node" },
                        ["realtime_priority"] = new JsonObject
                        {
                            ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 99, ["default"] = 9,
                            ["description"] = "SCHED_FIFO priority of clock and driver threads (network threads one below); default 9, below JACK's 10",
                        },
                    },
                },
                ["nodes"] = new JsonObject
                {
                    ["type"] = "object",
                    ["propertyNames"] = new JsonObject { ["pattern"] = "^[A-Za-z_][A-Za-z0-9_-]*$" },
                    ["additionalProperties"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("type"),
                        ["additionalProperties"] = false,
                        ["properties"] = new JsonObject
                        {
                            ["type"] = new JsonObject { ["enum"] = new JsonArray(registry.Types.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)k!).ToArray()) },
                            ["params"] = new JsonObject { ["type"] = "object" },
                        },
                        ["allOf"] = nodeVariants,
                    },
                },
                ["links"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject
                    {
                        // 'a.out -> b.in', or { link: 'a.out -> b.in', ...bridge options } for a link between clock domains.
                        ["oneOf"] = new JsonArray(
                            LinkText(),
                            new JsonObject
                            {
                                ["type"] = "object",
                                ["required"] = new JsonArray("link"),
                                ["additionalProperties"] = false,
                                ["properties"] = new JsonObject
                                {
                                    ["link"] = LinkText(),
                                    ["latency_frames"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 1 << 20, ["description"] = "Bridge target (fixed) or ceiling (adaptive), frames." },
                                    ["quality"] = new JsonObject { ["enum"] = new JsonArray("low", "medium", "high") },
                                    ["jitter_buffer"] = new JsonObject { ["enum"] = new JsonArray("fixed", "adaptive") },
                                },
                            }),
                    },
                },
            },
        };
    }

    private static JsonObject LinkText() => new()
    {
        ["type"] = "string",
        ["pattern"] = @"^\s*[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?\s*->\s*[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?\s*$",
    };

    /// <summary>The schema as indented JSON text.</summary>
    public static string ToJson(NodeTypeRegistry registry) =>
        Build(registry).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static JsonObject ObjectSchema(Type type, string description)
    {
        var props = new JsonObject();
        var required = new JsonArray();
        foreach (ParameterDescriptor p in ParameterBinder.Describe(type))
        {
            JsonObject s = ValueSchema(p.Type);
            string desc = p.Description + (p.Unit is null ? "" : $" [{p.Unit}]");
            if (desc.Length > 0)
            {
                s["description"] = desc;
            }

            if (p.Range is not null && s["type"]?.GetValue<string>() is "number" or "integer")
            {
                s["minimum"] = JsonValue.Create(Convert.ToDouble(p.Range.Minimum, System.Globalization.CultureInfo.InvariantCulture));
                s["maximum"] = JsonValue.Create(Convert.ToDouble(p.Range.Maximum, System.Globalization.CultureInfo.InvariantCulture));
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

    private static JsonObject ValueSchema(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        JsonObject s;
        if (t == typeof(string))
        {
            s = new JsonObject { ["type"] = "string" };
        }
        else if (t == typeof(bool))
        {
            s = new JsonObject { ["type"] = "boolean" };
        }
        else if (t == typeof(double) || t == typeof(float))
        {
            s = new JsonObject { ["type"] = "number" };
        }
        else if (t.IsPrimitive)
        {
            s = new JsonObject { ["type"] = "integer" };
        }
        else if (t.IsEnum)
        {
            s = new JsonObject { ["enum"] = new JsonArray(Enum.GetNames(t).Select(n => (JsonNode)SnakeCase.From(n)!).ToArray()) };
        }
        else if (ParameterBinder.ElementType(t) is { } element)
        {
            s = new JsonObject { ["type"] = "array", ["items"] = ValueSchema(element) };
        }
        else
        {
            s = ObjectSchema(t, "");
        }

        return s;
    }
}
