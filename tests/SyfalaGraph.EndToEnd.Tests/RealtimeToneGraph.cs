using System.Globalization;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>The graph the hot-reload tests start from and edit: a 440 Hz sine → gain (0 dB) → float WAV, on the realtime clock.</summary>
internal static class RealtimeToneGraph
{
    public static string Yaml(double amplitude) => string.Create(CultureInfo.InvariantCulture, $$"""
        version: 1
        settings: { clock: realtime, sample_rate: 48000, block_frames: 64 }
        nodes:
          tone: { type: tone, params: { frequency_hz: 440, amplitude: {{amplitude}} } }
          gain: { type: gain, params: { gain_db: 0 } }
          out:  { type: file.writer, params: { path: out.wav, subtype: float } }
        links:
          - tone.out -> gain.in
          - gain.out -> out.in

        """);
}
