using System.Text.Json.Nodes;

namespace SyfalaGraph.Engine.Graph;

/// <summary>One key a graph file may hold at one level (see <see cref="GraphFileKeys"/>).</summary>
/// <param name="Name">The key as written in YAML.</param>
/// <param name="Description">One line for editors' hover text.</param>
/// <param name="ValueSchema">Builds a new JSON Schema (draft 2020-12) of the key's value, from the bounds the reader checks.</param>
/// <param name="MayBeEmpty">True when the reader takes the key with no value (<c>links:</c> alone, YAML null) as the default.</param>
public sealed record GraphFileKey(string Name, string Description, Func<JsonObject> ValueSchema, bool MayBeEmpty = false);
