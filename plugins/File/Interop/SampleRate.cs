using System.Runtime.InteropServices;
using SyfalaGraph.Abstractions.Native;

namespace SyfalaGraph.Plugins.File.Interop;

/// <summary>
/// The libsamplerate ("Secret Rabbit Code") full API: a streaming converter object fed with interleaved float
/// frames. Declarations follow <c>samplerate.h</c> of libsamplerate 0.2 and https://libsndfile.github.io/libsamplerate/api_full.html.
/// Call <see cref="EnsureLoaded"/> (or <see cref="TryLoad"/>) before the first call. Audio thread: no.
/// </summary>
internal static unsafe partial class SampleRate
{
    /// <summary>The name used in <c>[LibraryImport]</c> and registered with the resolver (<see cref="KnownNativeLibraries.SampleRate"/>).</summary>
    public const string Library = "samplerate";

    /// <summary>Registers libsamplerate for this assembly's P/Invokes and loads it. Audio thread: no.</summary>
    /// <exception cref="SyfalaGraph.Abstractions.Nodes.NodeException">It is missing; the message names the package.</exception>
    public static void EnsureLoaded() => NativeLibraryResolver.EnsureLoaded(typeof(SampleRate).Assembly, KnownNativeLibraries.SampleRate);

    /// <summary>As <see cref="EnsureLoaded"/>; on failure <paramref name="error"/> names the package to install. Audio thread: no.</summary>
    public static bool TryLoad([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
        NativeLibraryResolver.TryLoad(typeof(SampleRate).Assembly, KnownNativeLibraries.SampleRate, out _, out error);

    // Converter types (https://libsndfile.github.io/libsamplerate/api_misc.html#converters).
    public const int SRC_SINC_BEST_QUALITY = 0;
    public const int SRC_SINC_MEDIUM_QUALITY = 1;
    public const int SRC_SINC_FASTEST = 2;
    public const int SRC_ZERO_ORDER_HOLD = 3;
    public const int SRC_LINEAR = 4;

    /// <summary>The converters accept output/input ratios in [1/256, 256] (SRC_MAX_RATIO).</summary>
    public const double MaxRatio = 256.0;

    /// <summary><c>SRC_STATE* src_new(int converter_type, int channels, int *error)</c>; null on failure with <paramref name="error"/> set.</summary>
    [LibraryImport(Library, EntryPoint = "src_new")]
    public static partial nint New(int converterType, int channels, int* error);

    /// <summary><c>SRC_STATE* src_delete(SRC_STATE *state)</c>; returns null.</summary>
    [LibraryImport(Library, EntryPoint = "src_delete")]
    public static partial nint Delete(nint state);

    /// <summary><c>int src_process(SRC_STATE *state, SRC_DATA *data)</c>; 0 on success, else an error code for <see cref="StrError"/>.</summary>
    [LibraryImport(Library, EntryPoint = "src_process")]
    public static partial int Process(nint state, SrcData* data);

    /// <summary><c>const char* src_strerror(int error)</c>; owned by the library.</summary>
    [LibraryImport(Library, EntryPoint = "src_strerror")]
    public static partial nint StrError(int error);

    /// <summary>The text of a libsamplerate error code, copied.</summary>
    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(StrError(error)) ?? $"libsamplerate error {error}";
}

/// <summary>
/// <c>SRC_DATA</c>: <c>{ const float *data_in; float *data_out; long input_frames, output_frames;
/// long input_frames_used, output_frames_gen; int end_of_input; double src_ratio; }</c>. C <c>long</c> is
/// <see cref="CLong"/> (64-bit on Linux/macOS, 32-bit on Windows), so the layout is right everywhere. Blittable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SrcData
{
    public float* DataIn;
    public float* DataOut;
    public CLong InputFrames;
    public CLong OutputFrames;
    public CLong InputFramesUsed;
    public CLong OutputFramesGen;
    public int EndOfInput;
    public double SrcRatio;
}
