using BenchmarkDotNet.Running;
using SyfalaGraph.Benchmarks.Engine;

// `reload-latency` is a plain timed measurement (live clock + file watcher), not a BenchmarkDotNet benchmark.
if (args.Length > 0 && args[0] == "reload-latency")
{
    return ReloadLatency.Run(args[1..]);
}

// `validate-scaling` times parsing and validating generated graphs of growing size (Stopwatch sections).
if (args.Length > 0 && args[0] == "validate-scaling")
{
    return ValidateScaling.Run(args[1..]);
}

// `resampler-compare` runs our resampler and libsamplerate's on the same input and prints CPU and THD+N.
if (args.Length > 0 && args[0] == "resampler-compare")
{
    return SyfalaGraph.Benchmarks.Clocking.ResamplerComparison.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
