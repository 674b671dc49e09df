using System.Globalization;
using System.Text.RegularExpressions;

namespace SyfalaGraph.Engine.Yaml;

/// <summary>
/// Numbers in plain scalars as YAML 1.2's core schema reads them (https://yaml.org/spec/1.2.2/#1032-tag-resolution):
/// integers <c>[-+]?[0-9]+</c>, <c>0o[0-7]+</c>, <c>0x[0-9a-fA-F]+</c>; floats
/// <c>[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?</c>, <c>[-+]?.inf</c>, <c>.nan</c>. This is also what
/// yaml-language-server reads before it checks a graph against the JSON Schema, so the binder and the editor agree
/// on what is a number: <c>1_000</c> (YAML 1.1) and <c>Infinity</c> are strings, as in any YAML 1.2 reader.
/// </summary>
internal static partial class YamlNumbers
{
    /// <summary>Reads a YAML 1.2 integer; false when <paramref name="text"/> is not one or does not fit a long.</summary>
    public static bool TryParseInteger(string text, out long value)
    {
        value = 0;
        if (DecimalRegex().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        if (text.Length > 2 && text[0] == '0' && text[1] == 'x' && text.AsSpan(2).IndexOfAnyExcept("0123456789abcdefABCDEF") < 0)
        {
            if (!ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong u) || u > long.MaxValue)
            {
                return false;
            }

            value = (long)u;
            return true;
        }

        if (text.Length > 2 && text[0] == '0' && text[1] == 'o' && text.AsSpan(2).IndexOfAnyExcept("01234567") < 0 && text.Length <= 23)
        {
            try
            {
                value = Convert.ToInt64(text[2..], 8);
                return value >= 0;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Reads a YAML 1.2 float or integer as a double (<c>.inf</c>, <c>-.inf</c>, <c>.nan</c> included).</summary>
    public static bool TryParseFloat(string text, out double value)
    {
        if (TryParseInteger(text, out long l))
        {
            value = l;
            return true;
        }

        if (FloatRegex().IsMatch(text))
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex DecimalRegex();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatRegex();
}
