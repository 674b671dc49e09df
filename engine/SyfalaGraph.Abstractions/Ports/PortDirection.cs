namespace SyfalaGraph.Abstractions.Ports;

/// <summary>Whether a port receives audio into the node or sends it out.</summary>
public enum PortDirection
{
    /// <summary>Audio flows into the node.</summary>
    Input,

    /// <summary>Audio flows out of the node.</summary>
    Output,
}
