using System.Text;
using System.Text.Json;

namespace SyfalaGraph.Engine.Tests.Plugins;

/// <summary>
/// Deterministic mutations of real <c>.deps.json</c> files for fuzzing: input <c>i</c> of seed <c>s</c> is always the
/// same bytes, whatever thread or order makes it. Kinds: byte flips, a value swapped for one of another type, a
/// truncation, deep nesting (balanced or not), a duplicated member, and a swap plus flips.
/// </summary>
internal sealed class DepsJsonMutator
{
    public const int Kinds = 6;

    private static readonly byte[][] Literals =
    [
        .. new[]
        {
            "\"x\"", "\"\"", "5", "-1.5e300", "1e400", "true", "false", "null", "[]", "{}", "[\"a\",1]", "{\"a\":1}",
            "{\"type\":\"project\",\"serviceable\":false}", "\"\\u0000\"", "\"\\ud800\"", "\"../x.dll\"", "{\"assetType\":5}",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly byte[][] MemberNames =
        [.. new[] { "runtimeTarget", "targets", "libraries", "name", "serviceable", "type", "runtime", "rid" }.Select(Encoding.UTF8.GetBytes)];

    private readonly Seed[] _seeds;

    public DepsJsonMutator(IEnumerable<byte[]> files)
    {
        _seeds = [.. files.Select(f => new Seed(f, ValueSpans(f), ObjectStarts(f)))];
    }

    /// <summary>Writes mutant <paramref name="index"/> of <paramref name="seed"/> into <paramref name="output"/> (cleared first); returns its kind.</summary>
    public int Mutate(long seed, long index, ByteBuffer output)
    {
        var rng = new SplitMix64((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)index);
        Seed s = _seeds[rng.Next(_seeds.Length)];
        int kind = rng.Next(Kinds);
        output.Clear();
        switch (kind)
        {
            case 0:
                output.AddRange(s.Bytes);
                Flip(output, ref rng);
                break;
            case 1:
                Swap(s, Literals[rng.Next(Literals.Length)], output, ref rng);
                break;
            case 2:
                output.AddRange(s.Bytes.AsSpan(0, rng.Next(s.Bytes.Length)));
                break;
            case 3:
                int depth = 1 + rng.Next(200);
                bool balanced = rng.Next(2) == 0;
                byte open = rng.Next(2) == 0 ? (byte)'[' : (byte)'{';
                byte[] nest = open == '['
                    ? [.. Enumerable.Repeat(open, depth), (byte)'1', .. Enumerable.Repeat((byte)']', balanced ? depth : depth / 2)]
                    : [.. Enumerable.Range(0, depth).SelectMany(_ => "{\"a\":"u8.ToArray()), (byte)'1', .. Enumerable.Repeat((byte)'}', balanced ? depth : depth / 2)];
                Swap(s, nest, output, ref rng);
                break;
            case 4:
                // A member inserted at the start of an object: a duplicate when the object already has it.
                int at = s.ObjectStarts[rng.Next(s.ObjectStarts.Length)] + 1;
                output.AddRange(s.Bytes.AsSpan(0, at));
                output.Add((byte)'"');
                output.AddRange(MemberNames[rng.Next(MemberNames.Length)]);
                output.AddRange("\":"u8);
                output.AddRange(Literals[rng.Next(Literals.Length)]);
                output.Add((byte)',');
                output.AddRange(s.Bytes.AsSpan(at));
                break;
            default:
                Swap(s, Literals[rng.Next(Literals.Length)], output, ref rng);
                Flip(output, ref rng);
                break;
        }

        return kind;
    }

    private static void Flip(ByteBuffer bytes, ref SplitMix64 rng)
    {
        int flips = 1 + rng.Next(8);
        for (int i = 0; i < flips && bytes.Count > 0; i++)
        {
            int at = rng.Next(bytes.Count);
            bytes[at] = rng.Next(2) == 0 ? (byte)(bytes[at] ^ (1 << rng.Next(8))) : (byte)rng.Next(256);
        }
    }

    private static void Swap(Seed s, byte[] replacement, ByteBuffer output, ref SplitMix64 rng)
    {
        (int start, int end) = s.Values[rng.Next(s.Values.Length)];
        output.AddRange(s.Bytes.AsSpan(0, start));
        output.AddRange(replacement);
        output.AddRange(s.Bytes.AsSpan(end));
    }

    // The byte range of every value (scalars, objects, arrays) of a well-formed document.
    private static (int Start, int End)[] ValueSpans(byte[] json)
    {
        var spans = new List<(int, int)>();
        var open = new Stack<int>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    open.Push((int)reader.TokenStartIndex);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    spans.Add((open.Pop(), (int)reader.BytesConsumed));
                    break;
                case JsonTokenType.PropertyName:
                    break;
                default:
                    spans.Add(((int)reader.TokenStartIndex, (int)reader.BytesConsumed));
                    break;
            }
        }

        return [.. spans];
    }

    private static int[] ObjectStarts(byte[] json)
    {
        var starts = new List<int>();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                starts.Add((int)reader.TokenStartIndex);
            }
        }

        return [.. starts];
    }

    /// <summary>A reusable growable byte array: mutants are built in place, without an allocation per input.</summary>
    public sealed class ByteBuffer
    {
        private byte[] _array = new byte[4096];

        public int Count { get; private set; }

        public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Count);

        public byte this[int index]
        {
            get => _array[index];
            set => _array[index] = value;
        }

        public void Clear() => Count = 0;

        public void Add(byte b) => AddRange([b]);

        public void AddRange(ReadOnlySpan<byte> bytes)
        {
            if (Count + bytes.Length > _array.Length)
            {
                Array.Resize(ref _array, Math.Max(_array.Length * 2, Count + bytes.Length));
            }

            bytes.CopyTo(_array.AsSpan(Count));
            Count += bytes.Length;
        }
    }

    private sealed record Seed(byte[] Bytes, (int Start, int End)[] Values, int[] ObjectStarts);

    /// <summary>Steele, Lea and Flood's SplitMix64: a tiny, fast, well-mixed generator that a seed fully determines.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public int Next(int bound)
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)bound);
        }
    }
}
