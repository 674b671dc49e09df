using SyfalaGraph.Engine.Graph;

namespace SyfalaGraph.Engine.Validation;

/// <summary>
/// The check that an offline graph ends: the offline clock renders as fast as it can until every finite source has
/// ended, so a graph with none renders forever (one such run wrote 80 GB in 10 minutes). Made by <c>validate</c> and
/// <c>run</c>, which know whether <c>--duration</c> bounds the run; the engine itself runs what it is given.
/// </summary>
public static class RenderEndCheck
{
    /// <summary>
    /// The error for an offline graph in which no node ends by itself (<see cref="Abstractions.Parameters.NodeParameters.EndsByItself"/>)
    /// when no duration bounds the run; null when the graph ends (or is not offline, or <paramref name="durationSeconds"/> is set).
    /// Positioned at <c>settings.clock</c>, or at the first node when the clock is offline by default.
    /// </summary>
    public static GraphError? Check(ValidatedGraph graph, double? durationSeconds)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Settings.Clock != ClockKind.Offline || durationSeconds is not null || graph.Nodes.Any(n => n.Parameters.EndsByItself))
        {
            return null;
        }

        SourcePosition at = graph.Settings.ClockPosition ?? graph.Nodes.FirstOrDefault()?.Definition.IdPosition ?? new SourcePosition(graph.Document.FilePath, 1, 1);
        string clock = graph.Settings.ClockPosition is null ? "offline (the default clock: as fast as possible)" : "offline (as fast as possible)";
        return new GraphError(at,
            $"this graph never ends: it is clocked {clock} and no node ends by itself, so it would render forever and fill its outputs; " +
            "give a source an end (a tone's duration_s, a file.reader without loop), run it with --duration SECONDS, or set settings.clock: realtime");
    }
}
