using SyfalaGraph.Engine.Graph;

namespace SyfalaGraph.Engine.Yaml;

/// <summary>
/// A YAML node with its position. The engine builds its own small tree from YamlDotNet's parser events
/// (rather than YamlDotNet's representation model) to keep duplicate keys — which YAML forbids but
/// parsers accept silently — and to have a position on every key and value.
/// </summary>
public abstract record YNode(SourcePosition Position)
{
    /// <summary>A short name of the node kind for error messages ("a mapping", "a list", "a scalar").</summary>
    public abstract string KindName { get; }
}

/// <summary>A scalar: its text and whether it was quoted (a quoted scalar is always a string).</summary>
public sealed record YScalar(SourcePosition Position, string Value, bool Quoted, bool IsPlainSingleLine) : YNode(Position)
{
    /// <inheritdoc />
    public override string KindName => "a scalar";

    /// <summary>True for <c>~</c>, <c>null</c> or an empty plain scalar.</summary>
    public bool IsNull => !Quoted && (Value.Length == 0 || Value is "~" or "null" or "Null" or "NULL");
}

/// <summary>A sequence (list).</summary>
public sealed record YSequence(SourcePosition Position, IReadOnlyList<YNode> Items) : YNode(Position)
{
    /// <inheritdoc />
    public override string KindName => "a list";
}

/// <summary>A mapping, in file order, duplicates kept.</summary>
public sealed record YMapping(SourcePosition Position, IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries) : YNode(Position)
{
    /// <inheritdoc />
    public override string KindName => "a mapping";

    /// <summary>The last value of <paramref name="key"/>, or null.</summary>
    public YNode? Get(string key)
    {
        for (int i = Entries.Count - 1; i >= 0; i--)
        {
            if (Entries[i].Key.Value == key)
            {
                return Entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The key scalar of <paramref name="key"/>, or null.</summary>
    public YScalar? GetKey(string key)
    {
        for (int i = Entries.Count - 1; i >= 0; i--)
        {
            if (Entries[i].Key.Value == key)
            {
                return Entries[i].Key;
            }
        }

        return null;
    }
}
