using SyfalaGraph.Plugins.File.Interop;

namespace SyfalaGraph.Plugins.File;

/// <summary>What libsndfile reports about a file it can read (from <c>SF_INFO</c>).</summary>
/// <param name="Channels">Interleaved channels per frame.</param>
/// <param name="SampleRate">Frames per second, in Hz.</param>
/// <param name="Frames">Length in frames.</param>
/// <param name="Seekable">Whether <c>sf_seek</c> works (needed by <c>start_s</c> and <c>loop</c>).</param>
/// <param name="Format">libsndfile's <c>SF_FORMAT_*</c> container | subtype code.</param>
/// <param name="Shortfall">
/// libsndfile's note that the audio data is shorter than the header declares (a truncated file), e.g.
/// <c>data : 1440000 (should be 149724)</c>; <see cref="Frames"/> then counts only what is present. Null when none.
/// </param>
internal readonly record struct SoundFileHeader(int Channels, int SampleRate, long Frames, bool Seekable, int Format, string? Shortfall = null)
{
    /// <summary>Duration in seconds.</summary>
    public double DurationSeconds => SampleRate > 0 ? (double)Frames / SampleRate : 0;

    /// <summary>Opens <paramref name="path"/> for reading, reads its header and closes it. Audio thread: no.</summary>
    /// <returns>False with a user-facing <paramref name="error"/> when the file or libsndfile is unusable.</returns>
    public static unsafe bool TryRead(string path, out SoundFileHeader header, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        header = default;
        if (!SndFile.TryLoad(out error))
        {
            return false;
        }

        SfInfo info = default;
        nint handle = SndFile.Open(path, SndFile.SFM_READ, &info);
        if (handle == 0)
        {
            error = $"cannot open '{path}': {SndFile.ErrorText(0)}";
            return false;
        }

        string? shortfall = FindShortfall(SndFile.LogInfo(handle));
        SndFile.Close(handle);
        if (info.Channels < 1 || info.SampleRate < 1)
        {
            error = $"cannot open '{path}': libsndfile reports {info.Channels} channel(s) at {info.SampleRate} Hz";
            return false;
        }

        header = new SoundFileHeader(info.Channels, info.SampleRate, Math.Max(0, info.Frames), info.Seekable != 0, info.Format, shortfall);
        return true;
    }

    /// <summary>
    /// The line of a libsndfile parse log where the audio chunk's declared size exceeds the file (<c>data</c> in
    /// WAV/RF64/W64, <c>SSND</c> in AIFF: libsndfile writes <c>name : declared (should be actual)</c> and reads only
    /// what is there); null when there is none. The container's own size line (RIFF, FORM) is not a shortfall of audio.
    /// </summary>
    internal static string? FindShortfall(string log)
    {
        foreach (string raw in log.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Contains("(should be", StringComparison.Ordinal) &&
                (line.StartsWith("data", StringComparison.OrdinalIgnoreCase) || line.StartsWith("SSND", StringComparison.Ordinal)))
            {
                return line;
            }
        }

        return null;
    }
}

/// <summary>
/// The last header read for a parameters record, keyed by path. It is invisible to record equality (every
/// instance equals every other), so two <see cref="FileReaderParameters"/> with the same values compare equal
/// whether or not either has been validated, and a <c>with</c> copy that changes the path re-reads the header.
/// </summary>
internal sealed class SoundFileHeaderCache
{
    private Entry? _entry;

    /// <summary>The header of <paramref name="path"/>: cached unless <paramref name="refresh"/> or the path changed.</summary>
    public (SoundFileHeader Header, string? Error) Get(string path, bool refresh)
    {
        Entry? entry = Volatile.Read(ref _entry);
        if (refresh || entry is null || !string.Equals(entry.Path, path, StringComparison.Ordinal))
        {
            bool ok = SoundFileHeader.TryRead(path, out SoundFileHeader header, out string? error);
            entry = new Entry(path, header, ok ? null : error);
            Volatile.Write(ref _entry, entry);
        }

        return (entry.Header, entry.Error);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SoundFileHeaderCache;

    /// <inheritdoc />
    public override int GetHashCode() => 0;

    private sealed record Entry(string Path, SoundFileHeader Header, string? Error);
}
