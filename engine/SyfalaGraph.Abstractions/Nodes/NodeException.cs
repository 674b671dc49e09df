namespace SyfalaGraph.Abstractions.Nodes;

/// <summary>
/// An expected failure of a node outside the audio thread (a file that cannot be opened, a device
/// that does not exist, a native library that is missing). The engine reports its message without a
/// stack trace, prefixed with the node id.
/// </summary>
public class NodeException : Exception
{
    /// <summary>Creates the exception with a message meant for the user.</summary>
    public NodeException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message meant for the user and the underlying cause.</summary>
    public NodeException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public NodeException()
    {
    }
}
