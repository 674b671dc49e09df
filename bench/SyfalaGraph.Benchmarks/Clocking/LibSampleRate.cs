using System.Runtime.InteropServices;

namespace SyfalaGraph.Benchmarks.Clocking;

/// <summary>
/// The few libsamplerate calls the comparison needs (samplerate.h, libsamplerate 0.2:
/// https://libsndfile.github.io/libsamplerate/api_full.html). Bench only; the File plugin has the real binding.
/// </summary>
internal static unsafe partial class LibSampleRate
{
    public const int SincBestQuality = 0;
    public const int SincMediumQuality = 1;
    public const int SincFastest = 2;

    [LibraryImport("libsamplerate.so.0", EntryPoint = "src_new")]
    public static partial nint New(int converterType, int channels, int* error);

    [LibraryImport("libsamplerate.so.0", EntryPoint = "src_delete")]
    public static partial nint Delete(nint state);

    [LibraryImport("libsamplerate.so.0", EntryPoint = "src_process")]
    public static partial int Process(nint state, SrcData* data);

    [StructLayout(LayoutKind.Sequential)]
    public struct SrcData
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
}
