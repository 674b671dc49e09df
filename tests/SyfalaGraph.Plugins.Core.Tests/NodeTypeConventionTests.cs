using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using SyfalaGraph.Abstractions.Nodes;
using SyfalaGraph.Abstractions.Parameters;

namespace SyfalaGraph.Plugins.Core.Tests;

public sealed class NodeTypeConventionTests
{
    public static TheoryData<Type> NodeTypes() =>
        [.. typeof(ToneNode).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(AudioNode)))];

    [Fact]
    public void Core_plugin_exposes_tone_gain_mix_and_meter()
    {
        string[] names = [.. typeof(ToneNode).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<NodeTypeAttribute>()?.Name)
            .OfType<string>()
            .Order(StringComparer.Ordinal)];

        Assert.Equal(["gain", "meter", "mix", "tone"], names);
    }

    [Theory]
    [MemberData(nameof(NodeTypes))]
    public void Every_node_type_has_a_described_parameters_record_and_the_engine_can_construct_it(Type nodeType)
    {
        NodeTypeAttribute attribute = nodeType.GetCustomAttribute<NodeTypeAttribute>()!;
        Assert.NotNull(attribute);
        Assert.False(string.IsNullOrWhiteSpace(attribute.Description));
        Assert.True(attribute.ParametersType.IsSubclassOf(typeof(NodeParameters)));
        foreach (PropertyInfo property in attribute.ParametersType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanWrite))
        {
            Assert.False(string.IsNullOrWhiteSpace(property.GetCustomAttribute<DescriptionAttribute>()?.Description),
                $"{attribute.ParametersType.Name}.{property.Name} has no [Description]");
        }

        // Defaults are valid, and the engine's constructor convention (ActivatorUtilities) works.
        var parameters = (NodeParameters)Activator.CreateInstance(attribute.ParametersType)!;
        Assert.True(Validator.TryValidateObject(parameters, new ValidationContext(parameters), null, validateAllProperties: true));
        Assert.Empty(parameters.Validate());
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var node = (AudioNode)ActivatorUtilities.CreateInstance(services, nodeType, parameters);
        Assert.IsType(nodeType, node);
    }

    [Fact]
    public void Tone_frequency_must_be_above_zero_and_at_most_384_kHz()
    {
        Assert.False(IsValid(new ToneParameters { FrequencyHz = 0 }));
        Assert.False(IsValid(new ToneParameters { FrequencyHz = 384_001 }));
        Assert.True(IsValid(new ToneParameters { FrequencyHz = 384_000 }));
        Assert.False(IsValid(new ToneParameters { DurationS = 0 }));
        Assert.False(IsValid(new ToneParameters { Channels = 65 }));
        Assert.False(IsValid(new GainParameters { GainDb = 41 }));
        Assert.False(IsValid(new MeterParameters { WindowMs = 0.5 }));
        Assert.False(IsValid(new MixParameters { Inputs = 0 }));
    }

    private static bool IsValid(object parameters) =>
        Validator.TryValidateObject(parameters, new ValidationContext(parameters), null, validateAllProperties: true);
}
