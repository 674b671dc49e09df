using System.Text.Encodings.Web;
using System.Text.Json;

namespace SyfalaGraph.Cli.Commands;

/// <summary>The one JSON object on one line that <c>--json</c> options print; text left readable (<c>-&gt;</c>, quotes) rather than HTML-escaped.</summary>
internal static class JsonOutput
{
    /// <summary>An object whose members <paramref name="members"/> writes.</summary>
    public static string Object(Action<Utf8JsonWriter> members)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
