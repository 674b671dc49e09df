namespace SyfalaGraph.Abstractions.Parameters;

/// <summary>
/// Marks a string parameter as a file path: a relative path is resolved against the graph file's folder
/// before the node sees it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FilePathAttribute : Attribute;
