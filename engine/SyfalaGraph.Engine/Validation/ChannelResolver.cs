using SyfalaGraph.Abstractions.Ports;
using SyfalaGraph.Engine.Graph;

namespace SyfalaGraph.Engine.Validation;

// Channel inference, in O((N + L) log N) for N nodes and L links. An input of inferred width takes the width of
// its links once every whole-port source feeding it is known (a picked source channel needs nothing); an output
// that is "same as input x" follows x. Known widths are pushed along the links (a count of unknown sources per
// input) instead of rescanning every link for every input until nothing changes.
//
// Feedback through a bridge leaves inputs that wait on each other. Then one relaxed pass runs, in file order (node
// by node, inputs before outputs, as a scan of the file would): an input with at least one known source takes the
// width of those alone (the others are checked against it once known, by the link checks), and what that resolves
// is seen by the nodes after it in the same pass. Strict propagation resumes, and relaxed passes repeat while they
// resolve anything.

/// <summary>Infers the channel count of every port of a graph from its declarations and links.</summary>
internal sealed class ChannelResolver
{
    private readonly List<ResolvedNode> _nodes;
    private readonly List<PortLayout> _layouts;
    private readonly List<(LinkDefinition Def, int Src, int SrcPort, int Dst, int DstPort)> _links;
    private readonly List<GraphError> _errors;
    private readonly int[][] _inCh;
    private readonly int[][] _outCh;
    private readonly int[] _inBase;   // input id = _inBase[node] + port: ids grow in file order
    private readonly int[] _nodeOfInput;
    private readonly int[][] _into;   // per input id, the links into it, in file order
    private readonly int[] _outBase;  // output id = _outBase[node] + port
    private readonly int[][] _from;   // per output id, the links out of it, in file order
    private readonly int[] _unknownSources;
    private readonly int[][] _followers; // per input id, the outputs (port indices of its node) that are "same as" it
    private readonly Queue<int> _ready = new();
    private PriorityQueue<int, int> _relaxedNow = new();
    private PriorityQueue<int, int> _relaxedNext = new();
    private int _relaxedNode = -1; // the node a relaxed pass is at; -1 outside one

    private ChannelResolver(List<ResolvedNode> nodes, List<PortLayout> layouts,
        List<(LinkDefinition Def, int Src, int SrcPort, int Dst, int DstPort)> links, List<GraphError> errors)
    {
        _nodes = nodes;
        _layouts = layouts;
        _links = links;
        _errors = errors;
        int n = nodes.Count;
        _inCh = new int[n][];
        _outCh = new int[n][];
        _inBase = new int[n + 1];
        _outBase = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            _inCh[i] = new int[layouts[i].Inputs.Count];
            _outCh[i] = new int[layouts[i].Outputs.Count];
            _inBase[i + 1] = _inBase[i] + layouts[i].Inputs.Count;
            _outBase[i + 1] = _outBase[i] + layouts[i].Outputs.Count;
        }

        int inputs = _inBase[n];
        _nodeOfInput = new int[inputs];
        _followers = new int[inputs][];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < _inCh[i].Length; k++)
            {
                _nodeOfInput[_inBase[i] + k] = i;
                _followers[_inBase[i] + k] = [];
            }
        }

        _into = ClockDomainAssigner.Adjacency(inputs, links.Select(l => (l.Src, _inBase[l.Dst] + l.DstPort)).ToList(), l => l.Dst);
        _from = ClockDomainAssigner.Adjacency(_outBase[n], links.Select(l => (_outBase[l.Src] + l.SrcPort, l.Dst)).ToList(), l => l.Src);
        _unknownSources = new int[inputs];
    }

    /// <summary>
    /// Resolves every port's width; errors (mismatched widths into one input, an input whose width nothing
    /// determines) are added to <paramref name="errors"/>.
    /// </summary>
    /// <returns>The width of each input (per node, per port), or null when an error was added.</returns>
    public static int[][]? Resolve(List<ResolvedNode> nodes, List<PortLayout> layouts,
        List<(LinkDefinition Def, int Src, int SrcPort, int Dst, int DstPort)> links, List<GraphError> errors, out int[][] outChannels)
    {
        var r = new ChannelResolver(nodes, layouts, links, errors);
        outChannels = r._outCh;
        int before = errors.Count;
        r.Run();
        r.ReportUnresolved();
        return errors.Count > before ? null : r._inCh;
    }

    private void Run()
    {
        int n = _nodes.Count;
        var followers = new List<int>[_followers.Length];
        for (int i = 0; i < n; i++)
        {
            IReadOnlyList<PortDeclaration> ins = _layouts[i].Inputs;
            for (int k = 0; k < ins.Count; k++)
            {
                _inCh[i][k] = ins[k].Channels.Count; // 0 = inferred
            }

            IReadOnlyList<PortDeclaration> outs = _layouts[i].Outputs;
            for (int k = 0; k < outs.Count; k++)
            {
                if (!outs[k].Channels.IsInferred)
                {
                    _outCh[i][k] = outs[k].Channels.Count;
                    continue;
                }

                string input = outs[k].Channels.SameAsInput!;
                int ki = -1;
                for (int j = 0; j < ins.Count && ki < 0; j++)
                {
                    ki = ins[j].Name == input ? j : -1;
                }

                if (ki < 0)
                {
                    _errors.Add(new GraphError(_nodes[i].Definition.TypePosition, $"internal: output '{outs[k].Name}' of {_nodes[i].Type.Name} takes its width from unknown input '{input}'"));
                    _outCh[i][k] = -1;
                }
                else
                {
                    (followers[_inBase[i] + ki] ??= []).Add(k);
                }
            }
        }

        for (int d = 0; d < followers.Length; d++)
        {
            _followers[d] = followers[d]?.ToArray() ?? [];
        }

        // Outputs known now (declared, or -1 after an error) count as known sources; a fixed-width input with
        // followers hands its width on at once.
        foreach ((LinkDefinition def, int src, int sp, int dst, int dp) in _links)
        {
            if (def.From.Channel is null && _outCh[src][sp] == 0)
            {
                _unknownSources[_inBase[dst] + dp]++;
            }
        }

        for (int d = 0; d < _into.Length; d++)
        {
            int i = _nodeOfInput[d];
            int k = d - _inBase[i];
            if (_inCh[i][k] != 0)
            {
                Follow(d);
            }
            else if (_into[d].Length > 0)
            {
                if (_unknownSources[d] == 0)
                {
                    _ready.Enqueue(d);
                }

                _relaxedNext.Enqueue(d, d);
            }
        }

        while (true)
        {
            while (_ready.TryDequeue(out int d))
            {
                if (Width(d) == 0 && TryResolve(d, relaxed: false) is not null)
                {
                    Follow(d);
                }
            }

            if (!RelaxedPass())
            {
                return;
            }
        }
    }

    // One pass in file order over the inputs that wait with some source known; true when it resolved anything.
    private bool RelaxedPass()
    {
        (_relaxedNow, _relaxedNext) = (_relaxedNext, _relaxedNow);
        bool changed = false;
        var pending = new List<int>(); // inputs of _relaxedNode resolved in this pass, whose followers are due after its inputs
        while (_relaxedNow.TryDequeue(out int d, out _))
        {
            int i = _nodeOfInput[d];
            if (i != _relaxedNode)
            {
                changed |= FollowAll(pending);
                _relaxedNode = i;
            }

            if (Width(d) == 0 && TryResolve(d, relaxed: true) is bool ok)
            {
                changed |= ok;
                pending.Add(d);
            }
        }

        changed |= FollowAll(pending);
        _relaxedNode = -1;
        return changed;
    }

    private bool FollowAll(List<int> inputs)
    {
        bool any = false;
        foreach (int d in inputs)
        {
            any |= Follow(d);
        }

        inputs.Clear();
        return any;
    }

    private int Width(int d) => _inCh[_nodeOfInput[d]][d - _inBase[_nodeOfInput[d]]];

    // Sets input d's width from its sources (relaxed: the known ones only). Null when it has none to go by; false
    // when they disagree (an error, width -1); true when resolved.
    private bool? TryResolve(int d, bool relaxed)
    {
        int i = _nodeOfInput[d];
        int k = d - _inBase[i];
        int first = -1; // first whole-port link, for the mismatch message
        int width = 0;
        int maxPicked = 0;
        bool anySource = false;
        foreach (int li in _into[d])
        {
            (LinkDefinition def, int src, int sp, _, _) = _links[li];
            if (relaxed && def.From.Channel is null && _outCh[src][sp] == 0)
            {
                continue;
            }

            anySource = true;
            if (def.To.Channel is int t)
            {
                maxPicked = Math.Max(maxPicked, t + 1);
            }

            if (def.From.Channel is not null || def.To.Channel is not null)
            {
                continue;
            }

            if (first < 0)
            {
                first = li;
                width = _outCh[src][sp];
            }
            else if (_outCh[src][sp] != width)
            {
                (LinkDefinition d0, int s0, int p0, _, _) = _links[first];
                _errors.Add(new GraphError(def.Position, $"channel-count mismatch into {_nodes[i].Id}.{_layouts[i].Inputs[k].Name}: {d0.From} has {_outCh[s0][p0]} channel(s), {def.From} has {_outCh[src][sp]}"));
                _inCh[i][k] = -1;
                return false;
            }
        }

        if (!anySource)
        {
            return null;
        }

        _inCh[i][k] = width == 0 ? Math.Max(1, maxPicked) : width;
        return true;
    }

    // Input d is resolved: the outputs that are "same as" it take its width, and what they feed learns of it.
    private bool Follow(int d)
    {
        int i = _nodeOfInput[d];
        bool any = false;
        foreach (int k in _followers[d])
        {
            if (_outCh[i][k] != 0)
            {
                continue;
            }

            _outCh[i][k] = _inCh[i][d - _inBase[i]];
            any = true;
            foreach (int li in _from[_outBase[i] + k])
            {
                (LinkDefinition def, _, _, int dst, int dp) = _links[li];
                if (def.From.Channel is not null)
                {
                    continue;
                }

                int e = _inBase[dst] + dp;
                if (Width(e) != 0)
                {
                    continue;
                }

                if (--_unknownSources[e] == 0)
                {
                    _ready.Enqueue(e);
                }

                // A relaxed pass sees it in this pass if the input's node comes later in the file, else in the next.
                (_relaxedNode >= 0 && dst > _relaxedNode ? _relaxedNow : _relaxedNext).Enqueue(e, e);
            }
        }

        return any;
    }

    private void ReportUnresolved()
    {
        for (int d = 0; d < _into.Length; d++)
        {
            if (Width(d) != 0)
            {
                continue;
            }

            int i = _nodeOfInput[d];
            string port = _layouts[i].Inputs[d - _inBase[i]].Name;
            _errors.Add(new GraphError(_nodes[i].Definition.IdPosition, _into[d].Length > 0
                ? $"cannot infer the channel count of {_nodes[i].Id}.{port}: what feeds it has no known channel count"
                : $"nothing is linked to {_nodes[i].Id}.{port}, so its channel count is unknown; link something to it"));
        }
    }
}
