namespace SyfalaGraph.Engine.Runtime;

/// <summary>A graph could not be built or started (a node's constructor, Prepare or Start failed). The message names the node.</summary>
public sealed class GraphRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GraphRuntimeException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
