using System.Text.Json.Nodes;
using SyfalaGraph.Abstractions.Native;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Schema;

namespace SyfalaGraph.Engine.Tests.Validation;

/// <summary><c>settings.realtime_priority</c>: parsed, range-checked with its position, and described by the schema.</summary>
public class RealtimePrioritySettingTests
{
    private static string Graph(string setting) => $$"""
        version: 1
        settings: { sample_rate: 48000, block_frames: 64, clock: realtime{{setting}} }
        nodes:
          t: { type: tone, params: { frequency_hz: 440, duration_s: 0.1 } }
        links: []
        """;

    [Fact]
    public void Realtime_priority_defaults_below_jacks_10()
    {
        Assert.Equal(RealtimeScheduling.DefaultPriority, TestGraphs.Load(Graph("")).Settings.RealtimePriority);
        Assert.True(RealtimeScheduling.DefaultPriority < 10);
    }

    [Fact]
    public void Realtime_priority_is_read_from_settings()
    {
        Assert.Equal(42, TestGraphs.Load(Graph(", realtime_priority: 42")).Settings.RealtimePriority);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("high")]
    [InlineData("\"9\"")]
    public void Realtime_priority_outside_1_to_99_is_an_error_at_its_position(string value)
    {
        GraphError error = Assert.Single(TestGraphs.Errors(Graph($", realtime_priority: {value}")));
        Assert.Contains("realtime_priority must be a SCHED_FIFO priority from 1 to 99", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Position.Line);
        Assert.Equal(87, error.Position.Column);
    }

    [Fact]
    public void Schema_describes_realtime_priority_with_its_range_and_default()
    {
        JsonNode schema = JsonNode.Parse(GraphSchema.ToJson(TestGraphs.Registry()))!;
        // settings is an object or null: the object is the first of its anyOf.
        JsonNode p = schema["properties"]!["settings"]!["anyOf"]![0]!["properties"]!["realtime_priority"]!;
        Assert.Equal("integer", (string?)p["type"]);
        Assert.Equal(1, (int?)p["minimum"]);
        Assert.Equal(99, (int?)p["maximum"]);
        Assert.Equal(RealtimeScheduling.DefaultPriority, (int?)p["default"]);
    }
}
