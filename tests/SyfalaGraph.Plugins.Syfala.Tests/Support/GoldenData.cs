using System.Text.Json;
using SyfalaGraph.Plugins.Syfala.Protocol;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Plugins.Syfala.Tests.Support;

/// <summary>One line of syfala-wire-vectors.jsonl.</summary>
public sealed record WireVector(string Direction, string Name, string Hex)
{
    public override string ToString() => $"{Direction}/{Name}";
}

/// <summary>One line of syfala-decode-cases.jsonl.</summary>
public sealed record DecodeCase(string Direction, string Hex, string Expect, string? ReferenceError, string? ReferenceValue, string? TrailingHex)
{
    public override string ToString() => $"{Direction} {(Hex.Length == 0 ? "<empty>" : Hex)} -> {Expect}";
}

/// <summary>
/// The reference's golden files under shared/protocol, and the message each vector name stands for (written out by
/// hand from SYFALA-WIRE.md, so the codec is checked against an independent description).
/// </summary>
internal static class GoldenData
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string ProtocolDir => Path.Combine(RepoPaths.Shared, "protocol");

    public static IReadOnlyList<WireVector> WireVectors { get; } = Load<WireVector>("syfala-wire-vectors.jsonl");

    public static IReadOnlyList<DecodeCase> DecodeCases { get; } = Load<DecodeCase>("syfala-decode-cases.jsonl");

    /// <summary>One row per line: direction, name, hex (strings, so that xunit lists every row as its own test).</summary>
    public static TheoryData<string, string, string> WireVectorRows()
    {
        var data = new TheoryData<string, string, string>();
        foreach (WireVector v in WireVectors)
        {
            data.Add(v.Direction, v.Name, v.Hex);
        }

        return data;
    }

    /// <summary>One row per line: direction, hex, expect, trailing hex ("" when none), reference error ("" when none).</summary>
    public static TheoryData<string, string, string, string, string> DecodeCaseRows()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (DecodeCase c in DecodeCases)
        {
            data.Add(c.Direction, c.Hex, c.Expect, c.TrailingHex ?? "", c.ReferenceError ?? "");
        }

        return data;
    }

    /// <summary>The expected message of each vector: (kind index, audio header or null, formats or null).</summary>
    public static ExpectedMessage Expected(string direction, string name) => (direction, name) switch
    {
        ("client", "discovery") => new((int)ClientMessageKind.Discovery),
        ("client", "conn_success") => new((int)ClientMessageKind.ConnectionSuccess),
        ("client", "conn_failed") => new((int)ClientMessageKind.ConnectionFailed),
        ("client", "conn_refused") => new((int)ClientMessageKind.ConnectionRefused),
        ("client", "start_io") => new((int)ClientMessageKind.StartIO),
        ("client", "stop_io") => new((int)ClientMessageKind.StopIO),
        ("client", "disconnect") => new((int)ClientMessageKind.Disconnect),
        ("client", "heartbeat") => new((int)ClientMessageKind.Heartbeat),
        ("client", "audio_zero") => new((int)ClientMessageKind.Audio, new AudioMessageHeader(0, 0, 0)),
        ("client", "audio_typical") => new((int)ClientMessageKind.Audio, new AudioMessageHeader(1, 123_456_789, 256)),
        ("client", "audio_max") => new((int)ClientMessageKind.Audio, new AudioMessageHeader(uint.MaxValue, ulong.MaxValue, uint.MaxValue)),
        ("server", "connect_empty") => new((int)ServerMessageKind.Connect, Formats: StreamFormats.Empty),
        ("server", "connect_standard") => new((int)ServerMessageKind.Connect, Formats: new StreamFormats([StreamFormat.Standard], [StreamFormat.Standard])),
        ("server", "connect_many") => new((int)ServerMessageKind.Connect, Formats: ConnectMany()),
        ("server", "connect_inputs_only") => new((int)ServerMessageKind.Connect, Formats: new StreamFormats([new StreamFormat(48_000.5, 1, 32, SampleType.I16)], [])),
        ("server", "start_io_ok") => new((int)ServerMessageKind.StartIOSuccess),
        ("server", "start_io_failed") => new((int)ServerMessageKind.StartIOFailed),
        ("server", "start_io_refused") => new((int)ServerMessageKind.StartIORefused),
        ("server", "stop_io_ok") => new((int)ServerMessageKind.StopIOSuccess),
        ("server", "stop_io_failed") => new((int)ServerMessageKind.StopIOFailed),
        ("server", "stop_io_refused") => new((int)ServerMessageKind.StopIORefused),
        ("server", "disconnect") => new((int)ServerMessageKind.Disconnect),
        ("server", "heartbeat") => new((int)ServerMessageKind.Heartbeat),
        ("server", "audio_typical") => new((int)ServerMessageKind.Audio, new AudioMessageHeader(2, 98_765, 1024)),
        ("server", "audio_max") => new((int)ServerMessageKind.Audio, new AudioMessageHeader(uint.MaxValue, ulong.MaxValue, uint.MaxValue)),
        _ => throw new InvalidOperationException($"No expected message written down for vector {direction}/{name}; add it here."),
    };

    /// <summary>connect_many: 12 inputs at 44.1 kHz (channels i+1, buffer 64, every sample type), 2 outputs.</summary>
    private static StreamFormats ConnectMany()
    {
        StreamFormat[] inputs = [.. Enumerable.Range(0, 12).Select(i => new StreamFormat(44_100.0, (uint)(i + 1), 64, (SampleType)i))];
        StreamFormat[] outputs = [new StreamFormat(96_000.0, 8, 0, SampleType.F32), new StreamFormat(768_000.0, 300, 70_000, SampleType.I24)];
        return new StreamFormats(inputs, outputs);
    }

    private static List<T> Load<T>(string file)
    {
        string path = Path.Combine(ProtocolDir, file);
        var rows = new List<T>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.Trim().Length > 0)
            {
                rows.Add(JsonSerializer.Deserialize<T>(line, Json) ?? throw new InvalidDataException($"Bad line in {path}: {line}"));
            }
        }

        return rows;
    }
}

/// <summary>A message written down as plain data (ClientMessage / ServerMessage are ref structs).</summary>
public sealed record ExpectedMessage(int Kind, AudioMessageHeader? Header = null, StreamFormats? Formats = null);
