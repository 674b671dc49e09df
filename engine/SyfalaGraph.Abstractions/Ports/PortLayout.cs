namespace SyfalaGraph.Abstractions.Ports;

/// <summary>
/// The ports a node declares from its parameters (see <see cref="Parameters.NodeParameters.DeclarePorts"/>).
/// Inputs and outputs keep the order in which they are declared: that order is the port index in
/// <see cref="Nodes.ProcessContext"/>.
/// </summary>
public sealed class PortLayout
{
    private readonly List<PortDeclaration> _inputs = [];
    private readonly List<PortDeclaration> _outputs = [];

    /// <summary>Declared inputs, in order.</summary>
    public IReadOnlyList<PortDeclaration> Inputs => _inputs;

    /// <summary>Declared outputs, in order.</summary>
    public IReadOnlyList<PortDeclaration> Outputs => _outputs;

    /// <summary>Declares an input port.</summary>
    /// <exception cref="ArgumentException">A port of that name already exists.</exception>
    public PortLayout Input(string name, ChannelCount channels, string description = "")
    {
        Add(_inputs, new PortDeclaration(name, PortDirection.Input, channels, description));
        return this;
    }

    /// <summary>Declares an output port.</summary>
    /// <exception cref="ArgumentException">A port of that name already exists, or it is inferred from links.</exception>
    public PortLayout Output(string name, ChannelCount channels, string description = "")
    {
        if (channels.IsInferred && channels.SameAsInput is null)
        {
            throw new ArgumentException($"Output '{name}' cannot take its channel count from links; use SameAs(input).", nameof(channels));
        }

        Add(_outputs, new PortDeclaration(name, PortDirection.Output, channels, description));
        return this;
    }

    private void Add(List<PortDeclaration> list, PortDeclaration port)
    {
        if (_inputs.Exists(p => p.Name == port.Name) || _outputs.Exists(p => p.Name == port.Name))
        {
            throw new ArgumentException($"Port '{port.Name}' is declared twice.", nameof(port));
        }

        list.Add(port);
    }
}
