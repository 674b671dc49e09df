namespace SyfalaGraph.Engine.Graph;

/// <summary>A graph file as written: settings, node definitions and links, with positions, not yet checked against node types.</summary>
/// <param name="FilePath">The file's full path.</param>
/// <param name="Settings">The settings.</param>
/// <param name="Nodes">The nodes, in file order.</param>
/// <param name="Links">The links, in file order.</param>
public sealed record GraphDocument(string FilePath, GraphSettings Settings, IReadOnlyList<NodeDefinition> Nodes, IReadOnlyList<LinkDefinition> Links)
{
    /// <summary>The folder relative paths resolve against.</summary>
    public string Directory => Path.GetDirectoryName(FilePath) ?? ".";
}
