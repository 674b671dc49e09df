namespace SyfalaGraph.Engine.Parameters;

/// <summary>"Did you mean …?" for unknown names (Levenshtein distance).</summary>
public static class Suggestions
{
    /// <summary>The known names closest to <paramref name="name"/> (at most 3, within a distance that makes sense for its length).</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> known)
    {
        int limit = Math.Max(2, name.Length / 3);
        return known
            .Select(k => (k, d: Distance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.d <= limit || x.k.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.d).ThenBy(x => x.k, StringComparer.Ordinal)
            .Take(3).Select(x => x.k).ToList();
    }

    /// <summary>Formats <c> (did you mean 'a' or 'b'?)</c>, or an empty string when nothing is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> known)
    {
        IReadOnlyList<string> c = Closest(name, known);
        return c.Count == 0 ? "" : " (did you mean " + string.Join(" or ", c.Select(x => $"'{x}'")) + "?)";
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
