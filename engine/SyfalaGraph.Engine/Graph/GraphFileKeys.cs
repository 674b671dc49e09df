using System.Text.Json.Nodes;

namespace SyfalaGraph.Engine.Graph;

/// <summary>
/// The keys a graph file may hold at each level (DESIGN §3), with the JSON Schema of each value: the one list that
/// <see cref="GraphFileParser"/> checks files against and <see cref="Schema.GraphSchema"/> turns into the schema, so
/// a key the reader accepts is a key the schema accepts.
/// </summary>
/// <remarks>
/// Design: the reader keeps its own value checks (they give positions and our wording), but every bound, name list
/// and pattern they use is a member of this class, and the value schemas below are built from the same members.
/// The node keys <see cref="NodeTypeKey"/> and <see cref="NodeParamsKey"/> get their per-node-type detail (the
/// known type names, each type's parameters) from the node type registry in the schema generator.
/// </remarks>
public static class GraphFileKeys
{
    /// <summary>A node id: letters, digits, <c>_</c> and <c>-</c>, starting with a letter or <c>_</c> (a .NET and ECMA-262 regex).</summary>
    public const string NodeIdPattern = @"^[A-Za-z_][A-Za-z0-9_\-]*$";

    /// <summary>
    /// A link, <c>node.port -> node.port</c> with an optional <c>[channel]</c> (0 to 9999) on either side. Groups 1–3
    /// and 4–6 are the source's and destination's node, port and channel.
    /// </summary>
    public const string LinkPattern = @"^\s*([A-Za-z_][A-Za-z0-9_\-]*)\.([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d{1,4})\])?\s*->\s*([A-Za-z_][A-Za-z0-9_\-]*)\.([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d{1,4})\])?\s*$";

    /// <summary>The largest <c>latency_frames</c> of a link, in frames.</summary>
    public const int MaxLatencyFrames = 1 << 20;

    /// <summary>The node key naming the node type.</summary>
    public const string NodeTypeKey = "type";

    /// <summary>The node key holding the node type's parameters.</summary>
    public const string NodeParamsKey = "params";

    /// <summary>The clocks <c>settings.clock</c> names without a node: <c>offline</c>, <c>realtime</c>.</summary>
    public static IReadOnlyList<string> ClockNames { get; } = ["offline", "realtime"];

    /// <summary>A bridge's <c>quality</c> values, in the order of <see cref="Dsp.Resampling.ResamplerQuality"/>.</summary>
    public static IReadOnlyList<string> QualityNames { get; } = ["low", "medium", "high"];

    /// <summary>A bridge's <c>jitter_buffer</c> values.</summary>
    public static IReadOnlyList<string> JitterBufferNames { get; } = ["fixed", "adaptive"];

    /// <summary>Top-level keys.</summary>
    public static IReadOnlyList<GraphFileKey> Top { get; } =
    [
        new("version", "The format version: 1.", () => new JsonObject { ["const"] = 1 }),
        new("settings", "Sample rate, block size and the main clock.", () => new JsonObject { ["type"] = "object" }, MayBeEmpty: true),
        new("nodes", "A map of node id to { type, params, clock }.", () => new JsonObject { ["type"] = "object" }, MayBeEmpty: true),
        new("links", "A list of 'node.port -> node.port', or { link: ..., latency_frames, quality, jitter_buffer }.", () => new JsonObject { ["type"] = "array" }, MayBeEmpty: true),
    ];

    /// <summary>Keys of <c>settings:</c>.</summary>
    public static IReadOnlyList<GraphFileKey> Settings { get; } =
    [
        new("sample_rate", "Hz, or auto (the rate the main clock's driver imposes).", () => new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0, ["maximum"] = GraphSettings.MaxSampleRate },
                new JsonObject { ["const"] = "auto" }),
        }),
        new("block_frames", "Frames per block.", () => new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = GraphSettings.MaxBlockFrames }),
        new("clock", "offline (as fast as possible), realtime (a timer), or the id of a driver node.", () => new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["enum"] = Strings(ClockNames) },
                new JsonObject { ["type"] = "string", ["pattern"] = NodeIdPattern }),
        }),
        new("realtime_priority", "SCHED_FIFO priority of clock and driver threads (network threads one below); below JACK's 10 by default.", () => new JsonObject
        {
            ["type"] = "integer", ["minimum"] = 1, ["maximum"] = SyfalaGraph.Abstractions.Native.RealtimeScheduling.MaxPriority,
            ["default"] = SyfalaGraph.Abstractions.Native.RealtimeScheduling.DefaultPriority,
        }),
    ];

    /// <summary>Keys of one node (a value of <c>nodes:</c>).</summary>
    public static IReadOnlyList<GraphFileKey> Node { get; } =
    [
        new(NodeTypeKey, "The node type (syfala-graph nodes lists them).", () => new JsonObject { ["type"] = "string" }),
        new(NodeParamsKey, "The node type's parameters.", () => new JsonObject { ["type"] = "object" }, MayBeEmpty: true),
        new("clock", "The id of the driver node whose clock domain runs this node.", () => new JsonObject { ["type"] = "string", ["pattern"] = NodeIdPattern }),
    ];

    /// <summary>Keys of a link written as a mapping.</summary>
    public static IReadOnlyList<GraphFileKey> Link { get; } =
    [
        new("link", "node.port -> node.port, optionally with [channel] on either side.", () => LinkText()),
        new("latency_frames", "Bridge target (fixed) or ceiling (adaptive) between clock domains, frames.",
            () => new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = MaxLatencyFrames }),
        new("quality", "Bridge resampler quality.", () => new JsonObject { ["enum"] = Strings(QualityNames) }),
        new("jitter_buffer", "fixed (hold latency_frames) or adaptive (the least the timing allows, latency_frames at most).",
            () => new JsonObject { ["enum"] = Strings(JitterBufferNames) }),
    ];

    /// <summary>The names of <paramref name="keys"/>, in order.</summary>
    public static string[] Names(IReadOnlyList<GraphFileKey> keys) => keys.Select(k => k.Name).ToArray();

    /// <summary>The schema of a link written as a string.</summary>
    public static JsonObject LinkText() => new() { ["type"] = "string", ["pattern"] = LinkPattern };

    private static JsonArray Strings(IReadOnlyList<string> names) => new(names.Select(n => (JsonNode)n!).ToArray());
}
