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
    /// <exception cref="GraphException">The text is not valid YAML, or uses anchors, aliases or tags that graph files do not need, or nests deeper than <see cref="MaxDepth"/>.</exception>
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
            YNode root = ReadNode(parser, file, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                throw new GraphException([new GraphError(Pos(parser.Current!.Start, file), "a graph file holds one YAML document; remove the second '---'")]);
            }

            return root;
        }
        catch (YamlException ex)
        {
            string message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
            throw new GraphException([new GraphError(Pos(ex.Start, file), "YAML syntax error: " + Clean(message))]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some unterminated flow collections ({ or [ left open).
            Mark at = parser.Current?.Start ?? Mark.Empty;
            throw new GraphException([new GraphError(at.Line > 0 ? Pos(at, file) : new SourcePosition(file, 1, 1),
                "YAML syntax error: a { or [ on this line or above is not closed (check the brackets)")]);
        }
    }

    private static YNode ReadNode(IParser parser, string file, int depth)
    {
        ParsingEvent ev = parser.Current ?? throw new YamlException("unexpected end of document");
        if (ev is AnchorAlias alias)
        {
            throw new GraphException([new GraphError(Pos(alias.Start, file), "YAML aliases (*name) are not supported in graph files; repeat the value")]);
        }

        if (ev is NodeEvent { Anchor.IsEmpty: false } anchored)
        {
            throw new GraphException([new GraphError(Pos(anchored.Start, file), "YAML anchors (&name) are not supported in graph files")]);
        }

        if (ev is not Scalar && depth >= MaxDepth)
        {
            throw new GraphException([new GraphError(Pos(ev.Start, file), $"mappings and lists nested deeper than {MaxDepth} levels; a graph file needs far fewer")]);
        }

        switch (ev)
        {
            case Scalar s:
                parser.MoveNext();
                return new YScalar(Pos(s.Start, file), s.Value, s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted,
                    s.Style == ScalarStyle.Plain && s.Start.Line == s.End.Line);
            case SequenceStart seq:
            {
                parser.MoveNext();
                var items = new List<YNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode(parser, file, depth + 1));
                }

                return new YSequence(Pos(seq.Start, file), items);
            }

            case MappingStart map:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<YScalar, YNode>>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    YNode key = ReadNode(parser, file, depth + 1);
                    if (key is not YScalar keyScalar)
                    {
                        throw new GraphException([new GraphError(key.Position, "a mapping key must be a plain name, not " + key.KindName)]);
                    }

                    entries.Add(new(keyScalar, ReadNode(parser, file, depth + 1)));
                }

                return new YMapping(Pos(map.Start, file), entries);
            }

            default:
                throw new YamlException(ev.Start, ev.End, "unexpected " + ev.GetType().Name);
        }
    }

    private static SourcePosition Pos(Mark mark, string file) => new(file, (int)mark.Line, (int)mark.Column);

    private static string Clean(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (…): "; the position is already ours.
        int i = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && i > 0 ? message[(i + 3)..] : message;
    }
}
