using System.Diagnostics;
using System.Globalization;

namespace SyfalaGraph.Tests;

/// <summary>
/// Real audio for tests: the recordings shipped by Debian's alsa-utils, speech made with espeak-ng, and
/// an independent decoder (sox) to check what our own code wrote.
/// </summary>
internal static class TestAudio
{
    /// <summary>A 48 kHz mono 16-bit recording from Debian's alsa-utils.</summary>
    public const string FrontCenterWav = "/usr/share/sounds/alsa/Front_Center.wav";

    private static readonly Lazy<string> Speech = new(MakeSpeech);

    /// <summary>A speech WAV made once per test run with espeak-ng (22.05 kHz mono 16-bit).</summary>
    public static string SpeechWav => Speech.Value;

    /// <summary>Decodes any file sox reads to interleaved float32 samples (sox is the reference, not our code).</summary>
    public static (float[] Samples, int Channels, int SampleRate) ReadWithSox(string path)
    {
        int channels = int.Parse(Run("soxi", $"-c \"{path}\"").Trim(), CultureInfo.InvariantCulture);
        int rate = int.Parse(Run("soxi", $"-r \"{path}\"").Trim(), CultureInfo.InvariantCulture);
        string raw = Path.Combine(Path.GetTempPath(), "syfalagraph-sox-" + Guid.NewGuid().ToString("N") + ".f32");
        try
        {
            Run("sox", $"\"{path}\" -t f32 -e floating-point -b 32 \"{raw}\"");
            byte[] bytes = File.ReadAllBytes(raw);
            var samples = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
            return (samples, channels, rate);
        }
        finally
        {
            File.Delete(raw);
        }
    }

    /// <summary>Runs a command, waits at most 60 s, returns its standard output; throws with its stderr on failure.</summary>
    public static string Run(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in 60 s");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {p.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }

    private static string MakeSpeech()
    {
        string dir = Path.Combine(Path.GetTempPath(), "syfalagraph-tests");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "speech-espeak.wav");
        if (!File.Exists(path))
        {
            string tmp = path + "." + Environment.ProcessId + ".tmp.wav";
            Run("espeak-ng", $"-w \"{tmp}\" \"SyfalaGraph moves audio between files, devices and networks without a dropout.\"");
            File.Move(tmp, path, overwrite: true);
        }

        return path;
    }
}
