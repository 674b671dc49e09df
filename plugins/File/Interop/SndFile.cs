using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Native;

namespace SyfalaGraph.Plugins.File.Interop;

/// <summary>
/// The subset of the libsndfile C API the file nodes use (source-generated P/Invoke, blittable arguments only).
/// Declarations follow <c>sndfile.h</c> of libsndfile 1.2 and the API pages at
/// https://libsndfile.github.io/libsndfile/api.html and https://libsndfile.github.io/libsndfile/command.html.
/// Call <see cref="EnsureLoaded"/> (or <see cref="TryLoad"/>) before the first call. Audio thread: no (these calls do file I/O).
/// </summary>
internal static unsafe partial class SndFile
{
    /// <summary>The name used in <c>[LibraryImport]</c> and registered with the resolver (<see cref="KnownNativeLibraries.SndFile"/>).</summary>
    public const string Library = "sndfile";

    /// <summary>Registers libsndfile for this assembly's P/Invokes and loads it. Audio thread: no.</summary>
    /// <exception cref="SyfalaGraph.Abstractions.Nodes.NodeException">It is missing; the message names the package.</exception>
    public static void EnsureLoaded() => NativeLibraryResolver.EnsureLoaded(typeof(SndFile).Assembly, KnownNativeLibraries.SndFile);

    /// <summary>As <see cref="EnsureLoaded"/>; on failure <paramref name="error"/> names the package to install. Audio thread: no.</summary>
    public static bool TryLoad([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
        NativeLibraryResolver.TryLoad(typeof(SndFile).Assembly, KnownNativeLibraries.SndFile, out _, out error);

    // Open modes (SFM_*).
    public const int SFM_READ = 0x10;
    public const int SFM_WRITE = 0x20;

    public const int SF_FALSE = 0;
    public const int SF_TRUE = 1;

    // whence for sf_seek (same values as stdio).
    public const int SF_SEEK_SET = 0;

    // sf_command commands. SFC_SET_UPDATE_HEADER_AUTO is 0x1061 (0x1051 is the deprecated, no-op
    // SFC_SET_ADD_HEADER_PAD_CHUNK).
    public const int SFC_SET_UPDATE_HEADER_AUTO = 0x1061;
    public const int SFC_GET_LOG_INFO = 0x1001;
    public const int SFC_SET_CLIPPING = 0x10C0;

    // Major formats (containers).
    public const int SF_FORMAT_WAV = 0x010000;
    public const int SF_FORMAT_AIFF = 0x020000;
    public const int SF_FORMAT_AU = 0x030000;
    public const int SF_FORMAT_W64 = 0x0B0000;
    public const int SF_FORMAT_FLAC = 0x170000;
    public const int SF_FORMAT_CAF = 0x180000;
    public const int SF_FORMAT_OGG = 0x200000;
    public const int SF_FORMAT_RF64 = 0x220000;

    // Subtypes (encodings).
    public const int SF_FORMAT_PCM_16 = 0x0002;
    public const int SF_FORMAT_PCM_24 = 0x0003;
    public const int SF_FORMAT_PCM_32 = 0x0004;
    public const int SF_FORMAT_FLOAT = 0x0006;
    public const int SF_FORMAT_DOUBLE = 0x0007;
    public const int SF_FORMAT_VORBIS = 0x0060;
    public const int SF_FORMAT_OPUS = 0x0064;

    public const int SF_FORMAT_SUBMASK = 0x0000FFFF;
    public const int SF_FORMAT_TYPEMASK = 0x0FFF0000;

    /// <summary><c>SNDFILE* sf_open(const char *path, int mode, SF_INFO *sfinfo)</c>; null on failure (see <see cref="StrError"/> with null).</summary>
    [LibraryImport(Library, EntryPoint = "sf_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Open(string path, int mode, SfInfo* info);

    /// <summary><c>int sf_close(SNDFILE *sndfile)</c>; 0 on success.</summary>
    [LibraryImport(Library, EntryPoint = "sf_close")]
    public static partial int Close(nint sndfile);

    /// <summary><c>sf_count_t sf_readf_float(SNDFILE*, float *ptr, sf_count_t frames)</c>: interleaved frames read (0 at the end).</summary>
    [LibraryImport(Library, EntryPoint = "sf_readf_float")]
    public static partial long ReadFramesFloat(nint sndfile, float* ptr, long frames);

    /// <summary><c>sf_count_t sf_writef_float(SNDFILE*, const float *ptr, sf_count_t frames)</c>: interleaved frames written.</summary>
    [LibraryImport(Library, EntryPoint = "sf_writef_float")]
    public static partial long WriteFramesFloat(nint sndfile, float* ptr, long frames);

    /// <summary><c>sf_count_t sf_seek(SNDFILE*, sf_count_t frames, int whence)</c>: the new position in frames, or -1.</summary>
    [LibraryImport(Library, EntryPoint = "sf_seek")]
    public static partial long Seek(nint sndfile, long frames, int whence);

    /// <summary><c>const char* sf_strerror(SNDFILE*)</c>: the current error of a handle, or of the last failed open when null. Owned by the library.</summary>
    [LibraryImport(Library, EntryPoint = "sf_strerror")]
    public static partial nint StrError(nint sndfile);

    /// <summary><c>int sf_error(SNDFILE*)</c>: the handle's current error number (0 when none).</summary>
    [LibraryImport(Library, EntryPoint = "sf_error")]
    public static partial int Error(nint sndfile);

    /// <summary><c>int sf_command(SNDFILE*, int command, void *data, int datasize)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "sf_command")]
    public static partial int Command(nint sndfile, int command, nint data, int dataSize);

    /// <summary><c>int sf_format_check(const SF_INFO *info)</c>: true (1) when format, rate and channels form a valid combination.</summary>
    [LibraryImport(Library, EntryPoint = "sf_format_check")]
    public static partial int FormatCheck(SfInfo* info);

    /// <summary>
    /// The handle's parse log (<c>SFC_GET_LOG_INFO</c>): what libsndfile noticed while reading the header, such as
    /// <c>data : 1440000 (should be 149724)</c> for a truncated WAV. At most 16 KiB, copied. Not for an audio thread.
    /// </summary>
    public static string LogInfo(nint sndfile)
    {
        const int size = 16384;
        nint buffer = (nint)NativeMemory.AllocZeroed(size);
        try
        {
            int length = Command(sndfile, SFC_GET_LOG_INFO, buffer, size);
            return length <= 0 ? "" : Marshal.PtrToStringUTF8(buffer, Math.Min(length, size - 1));
        }
        finally
        {
            NativeMemory.Free((void*)buffer);
        }
    }

    /// <summary>
    /// The error text of a handle (or of the last failed open when <paramref name="sndfile"/> is 0), copied, without
    /// libsndfile's <c>Error : </c> / <c>System error : </c> prefix and final full stop, so it reads inside a sentence.
    /// </summary>
    public static string ErrorText(nint sndfile)
    {
        string text = (Marshal.PtrToStringUTF8(StrError(sndfile)) ?? "unknown libsndfile error").Trim().TrimEnd('.');
        foreach (string prefix in (ReadOnlySpan<string>)["System error : ", "Error : "])
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return text[prefix.Length..];
            }
        }

        return text;
    }
}

/// <summary>
/// <c>SF_INFO</c>: <c>{ sf_count_t frames; int samplerate; int channels; int format; int sections; int seekable; }</c>
/// (sf_count_t is int64 on every platform libsndfile 1.x supports). 32 bytes, blittable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SfInfo
{
    public long Frames;
    public int SampleRate;
    public int Channels;
    public int Format;
    public int Sections;
    public int Seekable;
}
