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

    /// <summary>A loose form for matching enum values: lower case without underscores (<c>pcm_16</c> ≡ <c>Pcm16</c>).</summary>
    public static string Loose(string name) => name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
}
