using SyfalaGraph.Engine.Yaml;

namespace SyfalaGraph.Engine.Tests.Yaml;

/// <summary>Plain scalars are numbers exactly when YAML 1.2's core schema says so (what editors read too).</summary>
public class YamlNumbersTests
{
    [Theory]
    [InlineData("48000", 48000L)]
    [InlineData("-7", -7L)]
    [InlineData("+7", 7L)]
    [InlineData("0x1F", 31L)]
    [InlineData("0o17", 15L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Integers_of_yaml_1_2_are_read(string text, long expected)
    {
        Assert.True(YamlNumbers.TryParseInteger(text, out long v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("1_000")] // YAML 1.1 only
    [InlineData("1.0")]
    [InlineData("0x")]
    [InlineData("0o8")]
    [InlineData("0X1F")]
    [InlineData("9223372036854775808")]
    [InlineData("0x8000000000000000")]
    [InlineData(" 5")]
    [InlineData("٣")] // an Arabic-Indic digit: not [0-9]
    public void Other_spellings_are_not_integers(string text) =>
        Assert.False(YamlNumbers.TryParseInteger(text, out _));

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("-4.4e2", -440.0)]
    [InlineData("1E3", 1000.0)]
    [InlineData("440", 440.0)]
    [InlineData("0x10", 16.0)]
    [InlineData(".inf", double.PositiveInfinity)]
    [InlineData("-.INF", double.NegativeInfinity)]
    public void Floats_of_yaml_1_2_are_read(string text, double expected)
    {
        Assert.True(YamlNumbers.TryParseFloat(text, out double v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("inf")]
    [InlineData("1,5")]
    [InlineData("1_000.5")]
    [InlineData("1e")]
    [InlineData(".")]
    public void Other_spellings_are_not_floats(string text) =>
        Assert.False(YamlNumbers.TryParseFloat(text, out _));

    [Fact]
    public void Nan_is_read() => Assert.True(YamlNumbers.TryParseFloat(".NaN", out double v) && double.IsNaN(v));
}
