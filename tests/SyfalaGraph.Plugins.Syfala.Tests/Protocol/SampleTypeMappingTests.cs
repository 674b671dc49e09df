using SyfalaGraph.Dsp.Formats;
using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Protocol;

/// <summary>The wire's sample types map onto the DSP library's formats by value: the same member, the same size.</summary>
public sealed class SampleTypeMappingTests
{
    [Fact]
    public void Every_wire_sample_type_maps_to_the_format_of_the_same_name_and_size()
    {
        SampleType[] types = Enum.GetValues<SampleType>();
        Assert.Equal(SampleTypeExtensions.Count, types.Length);
        foreach (SampleType type in types)
        {
            SampleFormat format = type.ToSampleFormat();
            Assert.Equal(type.ToString(), format.ToString());
            Assert.False(format.IsBigEndian());
            Assert.Equal(type.BytesPerSample(), format.BytesPerSample());
        }
    }

    [Fact]
    public void An_undefined_wire_sample_type_is_refused_rather_than_mapped_to_a_big_endian_format()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SampleType)12).ToSampleFormat());
    }
}
