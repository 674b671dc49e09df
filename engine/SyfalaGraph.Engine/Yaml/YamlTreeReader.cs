using SyfalaGraph.Engine.Graph;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SyfalaGraph.Engine.Yaml;

/// <summary>Reads one YAML document into a <see cref="YNode"/> tree with positions.</summary>
public static class YamlTreeReader
{
    /// <summary>
    /// The deepest nesting of mappings and lists read (a graph file needs 4 or 5 levels, parameters a few more);
    /// deeper is an error at the node that crosses it, found before anything under it is read. The tree is built by
    /// recursion on this depth, so a hostile file cannot overflow the stack.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>Parses <paramref name="text"/>; a syntax error becomes a <see cref="GraphException"/> at its position.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="file">The file name used in positions.</param>
    /// <returns>The document's root node, or null for an empty document.</returns>
    /// <remarks>
    /// Anchors (<c>&amp;name</c>), aliases (<c>*name</c>) and merge keys (<c>&lt;&lt;: *name</c>) are resolved here: an alias
    /// becomes the anchored value itself (errors in it point at the anchored text), and their expansion is capped at
    /// <see cref="MaxAliasExpansion"/>.
    /// </remarks>
    /// <exception cref="GraphException">The text is not valid YAML, an alias names no anchor, aliases expand beyond <see cref="MaxAliasExpansion"/>, or it nests deeper than <see cref="MaxDepth"/>.</exception>
    public static YNode? Read(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            YNode root = ReadNode(parser, file, 0, new Aliases()).Node;
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                throw new GraphException([new GraphError(Pos(parser.Current!.Start, file), "a graph file holds one YAML document; remove the second '---'")]);
            }

            return root;
        }
        catch (YamlException ex)
        {
            string message = Clean(ex.InnerException is YamlException inner ? inner.Message : ex.Message);
            (SourcePosition at, string explained) = Explain(message, text, Pos(ex.Start, file));
            throw new GraphException([new GraphError(at, "YAML syntax error: " + explained)]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some unterminated flow collections ({ or [ left open).
            Mark at = parser.Current?.Start ?? Mark.Empty;
            throw new GraphException([new GraphError(at.Line > 0 ? Pos(at, file) : new SourcePosition(file, 1, 1),
                "YAML syntax error: a { or [ on this line or above is not closed (check the brackets)")]);
        }
    }

    /// <summary>
    /// The most tree nodes that aliases may add to a document (each use of <c>*name</c> adds the size of what
    /// <c>&amp;name</c> marks, with the aliases inside it): sharing a node's parameters costs a few dozen; a
    /// "billion laughs" file, whose nine levels of ten aliases expand to 10⁹ nodes, is refused at this count, long
    /// before it costs memory or time.
    /// </summary>
    public const long MaxAliasExpansion = 100_000;

    /// <summary>The anchors seen so far and what their aliases have added.</summary>
    private sealed class Aliases
    {
        public Dictionary<string, ReadResult> Anchors { get; } = new(StringComparer.Ordinal);

        public long Expanded { get; set; }
    }

    /// <summary>A node read, with its size (tree nodes, aliases expanded) and its height (levels of mappings and lists in it).</summary>
    private readonly record struct ReadResult(YNode Node, long Size, int Height);

    private static ReadResult ReadNode(IParser parser, string file, int depth, Aliases aliases)
    {
        ParsingEvent ev = parser.Current ?? throw new YamlException("unexpected end of document");
        if (ev is AnchorAlias alias)
        {
            parser.MoveNext();
            if (!aliases.Anchors.TryGetValue(alias.Value.Value, out ReadResult target))
            {
                throw new GraphException([new GraphError(Pos(alias.Start, file), $"alias *{alias.Value.Value} names no anchor above it; mark the shared value with &{alias.Value.Value} first")]);
            }

            aliases.Expanded += target.Size;
            if (aliases.Expanded > MaxAliasExpansion)
            {
                throw new GraphException([new GraphError(Pos(alias.Start, file),
                    $"YAML aliases expand to more than {MaxAliasExpansion} values here (nested aliases multiply); a graph file shares far less")]);
            }

            if (depth + target.Height > MaxDepth)
            {
                throw new GraphException([new GraphError(Pos(alias.Start, file), $"mappings and lists nested deeper than {MaxDepth} levels through aliases; a graph file needs far fewer")]);
            }

            return target; // the shared value itself: its positions are those of the anchored text
        }

        if (ev is not Scalar && depth >= MaxDepth)
        {
            throw new GraphException([new GraphError(Pos(ev.Start, file), $"mappings and lists nested deeper than {MaxDepth} levels; a graph file needs far fewer")]);
        }

        ReadResult read = ev switch
        {
            Scalar s => ReadScalar(parser, s, file),
            SequenceStart seq => ReadSequence(parser, seq, file, depth, aliases),
            MappingStart map => ReadMapping(parser, map, file, depth, aliases),
            _ => throw new YamlException(ev.Start, ev.End, "unexpected " + ev.GetType().Name),
        };
        if (ev is NodeEvent { Anchor.IsEmpty: false } anchored)
        {
            aliases.Anchors[anchored.Anchor.Value] = read; // a later anchor of the same name replaces it, as YAML says
        }

        return read;
    }

    private static ReadResult ReadScalar(IParser parser, Scalar s, string file)
    {
        parser.MoveNext();
        return new(new YScalar(Pos(s.Start, file), s.Value, s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted,
            s.Style == ScalarStyle.Plain && s.Start.Line == s.End.Line), 1, 0);
    }

    private static ReadResult ReadSequence(IParser parser, SequenceStart seq, string file, int depth, Aliases aliases)
    {
        parser.MoveNext();
        var items = new List<YNode>();
        long size = 1;
        int height = 0;
        while (!parser.TryConsume<SequenceEnd>(out _))
        {
            ReadResult item = ReadNode(parser, file, depth + 1, aliases);
            items.Add(item.Node);
            size += item.Size;
            height = Math.Max(height, item.Height);
        }

        return new(new YSequence(Pos(seq.Start, file), items), size, height + 1);
    }

    // A merge key (<<: *defaults, or <<: [*a, *b]) adds the entries of those mappings whose keys the mapping does not
    // write itself (YAML 1.1's merge key type, as CamillaDSP and docker-compose files use it); earlier merged
    // mappings win over later ones.
    private static ReadResult ReadMapping(IParser parser, MappingStart map, string file, int depth, Aliases aliases)
    {
        parser.MoveNext();
        var entries = new List<KeyValuePair<YScalar, YNode>>();
        var merged = new List<KeyValuePair<YScalar, YNode>>();
        long size = 1;
        int height = 0;
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            YNode key = ReadNode(parser, file, depth + 1, aliases).Node;
            if (key is not YScalar keyScalar)
            {
                throw new GraphException([new GraphError(key.Position, "a mapping key must be a plain name, not " + key.KindName)]);
            }

            ReadResult read = ReadNode(parser, file, depth + 1, aliases);
            YNode value = read.Node;
            size += 1 + read.Size;
            height = Math.Max(height, read.Height);
            if (keyScalar is { Value: "<<", Quoted: false })
            {
                IEnumerable<YNode> sources = value is YSequence list ? list.Items : [value];
                foreach (YNode source in sources)
                {
                    if (source is not YMapping from)
                    {
                        throw new GraphException([new GraphError(source.Position, "a merge key (<<) takes a mapping or a list of mappings, such as <<: *defaults")]);
                    }

                    merged.AddRange(from.Entries);
                }

                continue;
            }

            entries.Add(new(keyScalar, value));
        }

        var written = entries.Select(e => e.Key.Value).ToHashSet(StringComparer.Ordinal);
        foreach (KeyValuePair<YScalar, YNode> e in merged)
        {
            if (written.Add(e.Key.Value))
            {
                entries.Add(e);
            }
        }

        return new(new YMapping(Pos(map.Start, file), entries), size, height + 1);
    }

    private static SourcePosition Pos(Mark mark, string file) => new(file, (int)mark.Line, (int)mark.Column);

    // What YamlDotNet says (a part of its message) and what it means to the author of a graph file.
    private static readonly (string Says, string Means)[] Explanations =
    [
        ("did not find expected key", "this line is not indented like the keys above it: the keys of one mapping start in the same column (count the spaces)"),
        ("did not find expected '-' indicator", "this line is not indented like the list items ('- ') above it, or a key follows a list at the same indentation"),
        ("did not find expected ',' or '}'", "a ',' or the closing '}' is missing before this point: the items of a { … } mapping are separated by commas"),
        ("did not find expected ',' or ']'", "a ',' or the closing ']' is missing before this point: the items of a [ … ] list are separated by commas"),
        ("found invalid mapping", "a ': ' inside a value starts a mapping where none can be: put the mapping on its own indented lines or in { }, or quote the value"),
        ("Mapping values are not allowed in this context", "a ':' here would start a mapping where none can be: check the indentation and brackets, or quote the value"),
        ("found unexpected end of stream", "the file ends inside a quoted value: a closing quote is missing"),
        ("found unknown escape character", "unknown escape sequence in a double-quoted value: write \\\\ for a backslash, or use single quotes"),
        ("did not find expected node content", "a value is missing here"),
    ];

    /// <summary>
    /// YamlDotNet's scanner and parser messages in the words of a graph file's author, with the fix (the ones that
    /// are not listed keep their text). A tab used as indentation is reported where the tab is: YamlDotNet puts that
    /// error at 1:1.
    /// </summary>
    internal static (SourcePosition At, string Message) Explain(string message, string text, SourcePosition at)
    {
        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentingTab(text) is (int line, int column))
        {
            return (at with { Line = line, Column = column }, "a tab is used for indentation on this line; YAML indents with spaces only");
        }

        if (message.Contains("found invalid mapping", StringComparison.Ordinal) && ContinuesLineAbove(text, at.Line))
        {
            return (at with { Column = 1 }, "this line is indented deeper than the key above it, so YAML reads it as the rest of that key's value: " +
                "indent it like the keys above it");
        }

        string? ours = Explanations.FirstOrDefault(e => message.Contains(e.Says, StringComparison.Ordinal)).Means;
        return (at, ours ?? message);
    }

    // Whether line `line` (from 1) is indented deeper than the closest non-blank line above it, and that line holds a
    // key with a plain value on it (`b: 1`): YAML then reads the deeper line as more of that value.
    private static bool ContinuesLineAbove(string text, int line)
    {
        string[] lines = text.Split('\n');
        if (line < 2 || line > lines.Length)
        {
            return false;
        }

        string current = lines[line - 1];
        string? above = lines.Take(line - 1).LastOrDefault(l => l.Trim().Length > 0);
        static int Indent(string l) => l.Length - l.TrimStart(' ').Length;
        return above is not null && Indent(current) > Indent(above) && above.TrimEnd().IndexOf(": ", StringComparison.Ordinal) is int colon and > 0
            && above.TrimEnd().Length > colon + 2 && above.TrimStart()[0] is not ('{' or '[' or '-');
    }

    // The first tab in a line's leading whitespace, as (line, column) from 1.
    private static (int Line, int Column)? FirstIndentingTab(string text)
    {
        int line = 1, column = 1;
        bool leading = true;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                (line, column, leading) = (line + 1, 1, true);
                continue;
            }

            if (leading && c == '\t')
            {
                return (line, column);
            }

            leading &= c == ' ';
            column++;
        }

        return null;
    }

    private static string Clean(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (…): "; the position is already ours.
        int i = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && i > 0 ? message[(i + 3)..] : message;
    }
}
