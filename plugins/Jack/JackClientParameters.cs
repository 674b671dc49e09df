using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Abstractions.Ports;

namespace SyfalaGraph.Plugins.Jack;

/// <summary>Parameters of <see cref="JackClientNode"/> (<c>jack.client</c>), bound from the node's YAML <c>params:</c>.</summary>
public sealed record JackClientParameters : NodeParameters
{
    /// <summary>Default JACK port count in each direction when neither a count nor names are given.</summary>
    public const int DefaultPortCount = 2;

    /// <summary>The JACK client name (JACK appends a suffix such as <c>-01</c> when it is taken).</summary>
    [Description("JACK client name; JACK appends a suffix (-01…) when the name is taken.")]
    public string ClientName { get; init; } = "syfala-graph";

    /// <summary>The JACK server name; null for <c>JACK_DEFAULT_SERVER</c>, else "default".</summary>
    [Description("JACK server name (jackd -n). Default: the JACK_DEFAULT_SERVER environment variable, else 'default'.")]
    public string? ServerName { get; init; }

    /// <summary>JACK input ports (audio from other clients into output <c>capture</c>); default 2, or the number of <see cref="InputNames"/>.</summary>
    [Description("Number of JACK input ports (in_1, in_2…), fed into output 'capture'. Default 2, or the number of input_names.")]
    [Range(0, 256)]
    public int? Inputs { get; init; }

    /// <summary>JACK output ports (audio from input <c>playback</c> to other clients); default 2, or the number of <see cref="OutputNames"/>.</summary>
    [Description("Number of JACK output ports (out_1, out_2…), played from input 'playback'. Default 2, or the number of output_names.")]
    [Range(0, 256)]
    public int? Outputs { get; init; }

    /// <summary>Names of the JACK input ports (short names, without the client); sets their number.</summary>
    [Description("Names of the JACK input ports (short names without 'client:'); their number is the input count.")]
    public IReadOnlyList<string>? InputNames { get; init; }

    /// <summary>Names of the JACK output ports (short names, without the client); sets their number.</summary>
    [Description("Names of the JACK output ports (short names without 'client:'); their number is the output count.")]
    public IReadOnlyList<string>? OutputNames { get; init; }

    /// <summary>Connection rules applied at start and whenever a matching port appears; null for none.</summary>
    [Description("Connections to make: a list of {from, to} JACK port names or regular expressions; re-applied whenever a matching port appears.")]
    public IReadOnlyList<JackConnectRule>? Connect { get; init; }

    /// <summary>When the server shuts down, wait for it to come back, re-open the client and re-apply the connections.</summary>
    [Description("After a JACK server shutdown, wait for the server to come back, re-open the client, its ports and connections.")]
    public bool Reconnect { get; init; } = true;

    /// <summary>The JACK input port short names, in channel order of output <c>capture</c>.</summary>
    public IReadOnlyList<string> InputPortNames =>
        InputNames ?? Enumerable.Range(1, Inputs ?? DefaultPortCount).Select(i => $"in_{i}").ToArray();

    /// <summary>The JACK output port short names, in channel order of input <c>playback</c>.</summary>
    public IReadOnlyList<string> OutputPortNames =>
        OutputNames ?? Enumerable.Range(1, Outputs ?? DefaultPortCount).Select(i => $"out_{i}").ToArray();

    /// <summary>
    /// Declares input <c>playback</c> (one channel per JACK output port) and output <c>capture</c> (one channel per
    /// JACK input port), each only when it has channels — the names <c>portaudio.device</c> uses.
    /// </summary>
    public override void DeclarePorts(PortLayout ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        int outputs = OutputPortNames.Count;
        int inputs = InputPortNames.Count;
        if (outputs > 0)
        {
            ports.Input("playback", ChannelCount.Fixed(outputs), "Audio sent to the JACK output ports (channel i → output port i).");
        }

        if (inputs > 0)
        {
            ports.Output("capture", ChannelCount.Fixed(inputs), "Audio received on the JACK input ports (input port i → channel i).");
        }
    }

    /// <summary>Checks names, counts and the connection patterns.</summary>
    public override IEnumerable<ParameterError> Validate()
    {
        var errors = new List<ParameterError>();
        if (string.IsNullOrWhiteSpace(ClientName))
        {
            errors.Add(new ParameterError("client_name", "must not be empty"));
        }
        else if (ClientName.Contains(':', StringComparison.Ordinal) || ClientName.Length > 63)
        {
            errors.Add(new ParameterError("client_name", "must not contain ':' and must be at most 63 characters (jack_client_name_size)"));
        }

        if (ServerName is { Length: 0 })
        {
            errors.Add(new ParameterError("server_name", "must not be empty (leave it out for JACK_DEFAULT_SERVER / 'default')"));
        }

        CheckNames(errors, "input_names", "inputs", InputNames, Inputs);
        CheckNames(errors, "output_names", "outputs", OutputNames, Outputs);
        if (errors.Count == 0 && InputPortNames.Count == 0 && OutputPortNames.Count == 0)
        {
            errors.Add(new ParameterError("inputs", "inputs and outputs are both 0: the client would have no port"));
        }

        if (errors.Count == 0)
        {
            var all = InputPortNames.Concat(OutputPortNames).ToList();
            string? duplicate = all.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
            if (duplicate is not null)
            {
                errors.Add(new ParameterError("input_names", $"port name '{duplicate}' is used twice"));
            }
        }

        IReadOnlyList<JackConnectRule> connect = Connect ?? [];
        for (int i = 0; i < connect.Count; i++)
        {
            JackConnectRule rule = connect[i];
            if (rule is null)
            {
                errors.Add(new ParameterError("connect", $"rule {i} is empty; write {{ from: PORT, to: PORT }}"));
                continue;
            }

            CheckPattern(errors, i, "from", rule.From);
            CheckPattern(errors, i, "to", rule.To);
        }

        return errors;
    }

    private static void CheckNames(List<ParameterError> errors, string namesKey, string countKey, IReadOnlyList<string>? names, int? count)
    {
        if (names is null)
        {
            return;
        }

        if (count is int n && n != names.Count)
        {
            errors.Add(new ParameterError(countKey, $"is {n} but {namesKey} lists {names.Count} names; give one of them, or make them agree"));
        }

        if (names.Count > 256)
        {
            errors.Add(new ParameterError(namesKey, "at most 256 ports"));
        }

        foreach (string name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Contains(':', StringComparison.Ordinal) || name.Length > 200)
            {
                errors.Add(new ParameterError(namesKey, $"'{name}' is not a valid short port name (non-empty, no ':', at most 200 characters)"));
            }
        }
    }

    private static void CheckPattern(List<ParameterError> errors, int index, string side, string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            errors.Add(new ParameterError("connect", $"rule {index}: '{side}' is missing; write {{ from: PORT, to: PORT }} (full names 'client:port' or regular expressions)"));
            return;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            errors.Add(new ParameterError("connect", $"rule {index}: '{side}: {pattern}' is not a valid regular expression: {ex.Message}"));
        }
    }
}
