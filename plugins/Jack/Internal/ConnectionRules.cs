using System.Text.RegularExpressions;

namespace SyfalaGraph.Plugins.Jack.Internal;

/// <summary>
/// The compiled <c>connect</c> rules of a <c>jack.client</c>: which (source, destination) port pairs they ask for
/// among the ports that exist now. Patterns match whole names; a pattern without ':' matches the short names of
/// the node's own ports only. Audio thread: no (allocates, runs regular expressions).
/// </summary>
internal sealed class ConnectionRules
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);
    private readonly (Pattern From, Pattern To)[] _rules;

    /// <summary>Compiles the rules (already validated by <see cref="JackClientParameters.Validate"/>).</summary>
    public ConnectionRules(IReadOnlyList<JackConnectRule> rules) =>
        _rules = rules.Select(r => (new Pattern(r.From), new Pattern(r.To))).ToArray();

    /// <summary>True when there is no rule.</summary>
    public bool IsEmpty => _rules.Length == 0;

    /// <summary>
    /// The pairs the rules ask for: each output port matching a rule's <c>from</c> with each input port matching its
    /// <c>to</c>, in rule order, without duplicates.
    /// </summary>
    /// <param name="outputPorts">Full names of the audio output (source) ports that exist.</param>
    /// <param name="inputPorts">Full names of the audio input (destination) ports that exist.</param>
    /// <param name="ownClient">This node's actual client name (for patterns without ':').</param>
    public List<(string Source, string Destination)> Pairs(IReadOnlyList<string> outputPorts, IReadOnlyList<string> inputPorts, string ownClient)
    {
        var pairs = new List<(string, string)>();
        var seen = new HashSet<(string, string)>();
        foreach ((Pattern from, Pattern to) in _rules)
        {
            List<string> sources = outputPorts.Where(p => from.Matches(p, ownClient)).ToList();
            if (sources.Count == 0)
            {
                continue;
            }

            List<string> destinations = inputPorts.Where(p => to.Matches(p, ownClient)).ToList();
            foreach (string s in sources)
            {
                foreach (string d in destinations)
                {
                    if (seen.Add((s, d)))
                    {
                        pairs.Add((s, d));
                    }
                }
            }
        }

        return pairs;
    }

    private sealed class Pattern(string text)
    {
        private readonly bool _own = !text.Contains(':', StringComparison.Ordinal);
        private readonly Regex _regex = new("^(?:" + text + ")$", RegexOptions.CultureInvariant, MatchTimeout);

        public bool Matches(string fullName, string ownClient)
        {
            try
            {
                if (!_own)
                {
                    return _regex.IsMatch(fullName);
                }

                return fullName.Length > ownClient.Length + 1
                    && fullName.StartsWith(ownClient, StringComparison.Ordinal)
                    && fullName[ownClient.Length] == ':'
                    && _regex.IsMatch(fullName.AsSpan(ownClient.Length + 1));
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }
    }
}
