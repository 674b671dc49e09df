using System.Text;

namespace SyfalaGraph.Engine.Parameters;

/// <summary>The naming rule between C# members and graph-file keys: <c>GainDb</c> ↔ <c>gain_db</c>.</summary>
public static class SnakeCase
{
    /// <summary>Converts a PascalCase name to snake_case (no underscore before digits: <c>F32</c> → <c>f32</c>).</summary>
    public static string From(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c))
            {
                bool prevLowerOrDigit = i > 0 && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]));
                bool acronymEnd = i > 0 && char.IsUpper(pascal[i - 1]) && i + 1 < pascal.Length && char.IsLower(pascal[i + 1]);
                if (prevLowerOrDigit || acronymEnd)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The loose form enum values are matched by: ASCII letters in lower case, every <c>_</c> and <c>-</c> dropped,
    /// so <c>pcm_24</c>, <c>PCM_24</c> (libsndfile's own spelling), <c>pcm-24</c> and <c>pcm24</c> are one value.
    /// Only ASCII is folded, so that <see cref="LoosePattern"/> can state the same rule as a regular expression.
    /// </summary>
    public static string Loose(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (c is '_' or '-')
            {
                continue;
            }

            sb.Append(c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c);
        }

        return sb.ToString();
    }

    /// <summary>
    /// An ECMA-262 (JSON Schema) and .NET regular expression that matches exactly the strings whose <see cref="Loose"/>
    /// form is the loose form of one of <paramref name="names"/>: <c>^[-_]*(?:[pP][-_]*[cC]…)$</c>.
    /// </summary>
    public static string LoosePattern(IEnumerable<string> names)
    {
        var sb = new StringBuilder("^[-_]*(?:");
        bool first = true;
        foreach (string name in names)
        {
            if (!first)
            {
                sb.Append('|');
            }

            first = false;
            foreach (char c in Loose(name))
            {
                if (c is >= 'a' and <= 'z')
                {
                    sb.Append('[').Append(c).Append((char)(c - ('a' - 'A'))).Append(']');
                }
                else if (char.IsAsciiLetterOrDigit(c))
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                }

                sb.Append("[-_]*");
            }
        }

        return sb.Append(")$").ToString();
    }
}
