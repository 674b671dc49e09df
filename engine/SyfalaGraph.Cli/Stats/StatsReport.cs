using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SyfalaGraph.Engine.Runtime;

namespace SyfalaGraph.Cli.Stats;

/// <summary>
/// What <c>run --stats</c> shows once a second, in the manner of <c>pw-top</c>: the main domain (time, block size,
/// rate, the last block's processing time and its share of the period, the longest block, blocks slower than real
/// time, xruns, faults), the other domains and the bridges between them, each node's mean processing time, and the
/// level gauges (<see cref="LevelListener"/>) as dBFS bars with peak hold. As text lines (<see cref="Lines"/>) or as
/// one JSON object (<see cref="Json"/>). Built off the audio thread from counters the audio threads publish.
/// </summary>
internal static class StatsReport
{
    /// <summary>The range of the level bars: -60 dBFS (empty) to 0 dBFS (full).</summary>
    public const double FloorDb = -60;

    /// <summary>Characters of a level bar.</summary>
    public const int BarWidth = 30;

    /// <summary>Says what MAX, OVER and XRUN mean against each other (printed once, or under the redrawn table).</summary>
    public static readonly string[] Legend =
    [
        "MAX: the longest block since start (after warm-up), as % of the period. OVER: blocks slower than real time;",
        "one is absorbed by the next blocks' slack: XRUN grows only when the driver misses a deadline. LATE: blocks a late",
        "wake-up made the clock run back to back to catch up (none dropped).",
        "Levels in dBFS: RMS bar, peak shaded, | the peak held for 2 s.",
    ];

    /// <summary>The report as text lines; <paramref name="unicode"/> draws bars with block characters, else with ASCII.</summary>
    public static List<string> Lines(GraphRuntime runtime, IReadOnlyList<(string Node, int Channel, LevelListener.Level Level)> levels, bool unicode)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        double period = runtime.PeriodMicroseconds;
        lines.Add(string.Create(inv,
            $"{runtime.FramesProcessed / runtime.SampleRate,9:F1}s  QUANT {runtime.BlockFrames}  RATE {runtime.SampleRate}  BUSY {runtime.LastCycleMicroseconds,7:F1}us  " +
            $"LOAD {100 * runtime.LastCycleMicroseconds / period,5:F1}%  MAX {runtime.MaxCycleMicroseconds,7:F1}us ({100 * runtime.MaxCycleMicroseconds / period:F0}% of {period:F0}us)  " +
            $"OVER {runtime.BlocksOverPeriod}  XRUN {runtime.Xruns}  LATE {runtime.LateBlocks}  ERR {runtime.Faults}"));
        if (runtime.Domains.Count > 1)
        {
            foreach (DomainRunner d in runtime.Domains.Where(d => d.Domain.Nodes.Count > 0))
            {
                lines.Add(string.Create(inv,
                    $"  domain {d.Name,-14} QUANT {d.BlockFrames}  RATE {d.SampleRate}  {d.FramesProcessed / d.SampleRate,9:F1}s  MAX {d.MaxCycleMicroseconds,7:F1}us  OVER {d.BlocksOverPeriod}  XRUN {d.Xruns}  LATE {d.LateBlocks}"));
            }

            foreach (BridgeLink b in runtime.Bridges)
            {
                lines.Add(string.Create(inv,
                    $"  bridge {b.Name,-22} FILL {b.Bridge.FillFrames,7:F1}/{b.Bridge.LatencyFrames}  RATIO {b.Bridge.RatioPpm,8:F2}ppm  UNDER {b.Bridge.Underflows}  OVER {b.Bridge.Overflows}"));
            }
        }

        long cycles = Math.Max(1, runtime.Cycles);
        foreach (NodeSlot slot in runtime.Slots)
        {
            double us = slot.ProcessTicks * 1e6 / Stopwatch.Frequency / cycles;
            lines.Add(string.Create(inv,
                $"    {slot.Id,-16} {slot.Node.Type.Name,-16} BUSY {us,7:F2}us  {100 * us / period,5:F1}%  {(slot.IsMuted ? "MUTED (faulted)" : "")}").TrimEnd());
        }

        foreach ((string node, int channel, LevelListener.Level level) in levels)
        {
            lines.Add(string.Create(inv,
                $"    {node + "[" + channel.ToString(inv) + "]",-16} {Db(level.RmsDb)} rms {Db(level.PeakDb)} peak  {Bar(level, unicode)} {Db(level.HoldDb)} hold"));
        }

        return lines;
    }

    /// <summary>The report as one JSON object on one line (levels in dBFS, null for silence below -200 dBFS or none yet).</summary>
    public static string Json(GraphRuntime runtime, IReadOnlyList<(string Node, int Channel, LevelListener.Level Level)> levels)
    {
        return Commands.JsonOutput.Object(w =>
        {
            w.WriteNumber("time_s", Round(runtime.FramesProcessed / runtime.SampleRate));
            w.WriteNumber("sample_rate_hz", runtime.SampleRate);
            w.WriteNumber("block_frames", runtime.BlockFrames);
            w.WriteNumber("period_us", Round(runtime.PeriodMicroseconds));
            w.WriteNumber("busy_us", Round(runtime.LastCycleMicroseconds));
            w.WriteNumber("max_us", Round(runtime.MaxCycleMicroseconds));
            w.WriteNumber("blocks_over_period", runtime.BlocksOverPeriod);
            w.WriteNumber("xruns", runtime.Xruns);
            w.WriteNumber("late_blocks", runtime.LateBlocks);
            w.WriteNumber("faults", runtime.Faults);
            w.WriteStartArray("domains");
            foreach (DomainRunner d in runtime.Domains.Where(d => d.Domain.Nodes.Count > 0))
            {
                w.WriteStartObject();
                w.WriteString("name", d.Name);
                w.WriteNumber("sample_rate_hz", d.SampleRate);
                w.WriteNumber("block_frames", d.BlockFrames);
                w.WriteNumber("time_s", Round(d.FramesProcessed / d.SampleRate));
                w.WriteNumber("max_us", Round(d.MaxCycleMicroseconds));
                w.WriteNumber("blocks_over_period", d.BlocksOverPeriod);
                w.WriteNumber("xruns", d.Xruns);
                w.WriteNumber("late_blocks", d.LateBlocks);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("bridges");
            foreach (BridgeLink b in runtime.Bridges)
            {
                w.WriteStartObject();
                w.WriteString("name", b.Name);
                w.WriteNumber("fill_frames", Round(b.Bridge.FillFrames));
                w.WriteNumber("latency_frames", b.Bridge.LatencyFrames);
                w.WriteNumber("ratio_ppm", Round(b.Bridge.RatioPpm));
                w.WriteNumber("underflows", b.Bridge.Underflows);
                w.WriteNumber("overflows", b.Bridge.Overflows);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("nodes");
            long cycles = Math.Max(1, runtime.Cycles);
            foreach (NodeSlot slot in runtime.Slots)
            {
                w.WriteStartObject();
                w.WriteString("id", slot.Id);
                w.WriteString("type", slot.Node.Type.Name);
                w.WriteNumber("busy_us", Round(slot.ProcessTicks * 1e6 / Stopwatch.Frequency / cycles));
                w.WriteBoolean("muted", slot.IsMuted);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("levels");
            foreach ((string node, int channel, LevelListener.Level level) in levels)
            {
                w.WriteStartObject();
                w.WriteString("node", node);
                w.WriteNumber("channel", channel);
                WriteDb(w, "rms_dbfs", level.RmsDb);
                WriteDb(w, "peak_dbfs", level.PeakDb);
                WriteDb(w, "peak_hold_dbfs", level.HoldDb);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>
    /// A bar of <see cref="BarWidth"/> characters from <see cref="FloorDb"/> to 0 dBFS: filled to the RMS level, shaded to
    /// the peak, <c>|</c> at the held peak.
    /// </summary>
    public static string Bar(LevelListener.Level level, bool unicode)
    {
        int rms = Cells(level.RmsDb), peak = Math.Max(rms, Cells(level.PeakDb)), hold = Cells(level.HoldDb);
        var bar = new StringBuilder(BarWidth + 2).Append('[');
        for (int i = 0; i < BarWidth; i++)
        {
            bar.Append(i == hold - 1 && hold > 0 ? '|' : i < rms ? (unicode ? '█' : '#') : i < peak ? (unicode ? '▒' : '=') : (unicode ? '·' : '.'));
        }

        return bar.Append(']').ToString();
    }

    private static int Cells(double db) =>
        double.IsFinite(db) ? (int)Math.Round(Math.Clamp((db - FloorDb) / -FloorDb, 0, 1) * BarWidth) : 0;

    private static string Db(double db) =>
        double.IsFinite(db) && db > -200 ? db.ToString("+0.0;-0.0", CultureInfo.InvariantCulture).PadLeft(6) : "  -inf";

    private static void WriteDb(Utf8JsonWriter w, string name, double db)
    {
        if (double.IsFinite(db) && db > -200)
        {
            w.WriteNumber(name, Round(db));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static double Round(double value) => Math.Round(value, 3);
}
