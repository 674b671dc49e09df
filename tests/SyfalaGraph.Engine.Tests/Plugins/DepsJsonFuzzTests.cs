using System.Diagnostics;
using System.Runtime.Loader;
using System.Text;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Engine.Tests.Plugins;

/// <summary>
/// Fuzzing of the plugin manifest reader (<see cref="DepsJsonValidator"/>) with 10⁶ mutants of the manifests the build
/// writes (<see cref="DepsJsonMutator"/>: byte flips, type swaps, truncations, deep nesting, duplicate members): each one
/// is judged valid or invalid, none throws; and what it judges valid the native resolver reads without crashing.
/// </summary>
public class DepsJsonFuzzTests
{
    private const long Seed = 15;
    private const int Inputs = 1_000_000;

    private static DepsJsonMutator Mutator() => new(Corpus());

    /// <summary>
    /// The plugins' manifests as the build wrote them, and <see cref="WithNativeAssets"/>, in the SDK's shape for a package
    /// with RID-specific and native assets (none of the built plugins has any), so that those members are mutated too.
    /// </summary>
    internal static IEnumerable<byte[]> Corpus() =>
        Directory.GetFiles(RepoPaths.CliPlugins, "*.deps.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .Append(Encoding.UTF8.GetBytes(WithNativeAssets));

    internal const string WithNativeAssets = """
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0", "signature": "" },
          "compilationOptions": { "defines": ["TRACE", "RELEASE"], "languageVersion": "14.0", "optimize": true, "emitEntryPoint": false },
          "targets": {
            ".NETCoreApp,Version=v10.0": {
              "Probe/1.0.0": {
                "dependencies": { "Native.Codec": "2.1.0" },
                "runtime": { "Probe.dll": {} },
                "resources": { "de/Probe.resources.dll": { "locale": "de" } }
              },
              "Native.Codec/2.1.0": {
                "runtime": { "lib/net10.0/Native.Codec.dll": { "assemblyVersion": "2.1.0.0", "fileVersion": "2.1.0.17" } },
                "native": { "libcodec.so": { "fileVersion": "0.0.0.0" } },
                "runtimeTargets": {
                  "runtimes/linux-x64/native/libcodec.so": { "rid": "linux-x64", "assetType": "native", "fileVersion": "0.0.0.0" },
                  "runtimes/osx-arm64/native/libcodec.dylib": { "rid": "osx-arm64", "assetType": "native" },
                  "runtimes/win/lib/net10.0/Native.Codec.dll": { "rid": "win", "assetType": "runtime", "assemblyVersion": "2.1.0.0" }
                },
                "compile": { "lib/net10.0/Native.Codec.dll": {} }
              }
            }
          },
          "libraries": {
            "Probe/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "Native.Codec/2.1.0": {
              "type": "package", "serviceable": true, "sha512": "sha512-AAAA", "path": "native.codec/2.1.0", "hashPath": "native.codec.2.1.0.nupkg.sha512"
            }
          },
          "runtimes": { "linux-x64": ["linux", "unix-x64", "unix", "any", "base"] }
        }
        """;

    [Fact]
    public void A_million_mutated_manifests_are_each_judged_without_an_exception()
    {
        // Each input depends only on (seed, index): the partitions run on every core and the counts are the same.
        int partitions = Environment.ProcessorCount;
        var results = new (int[] Valid, int[] Invalid, long SlowestTicks, long SlowestIndex)[partitions];
        var total = Stopwatch.StartNew();
        Parallel.For(0, partitions, new ParallelOptions { MaxDegreeOfParallelism = partitions }, p =>
        {
            DepsJsonMutator mutator = Mutator();
            var buffer = new DepsJsonMutator.ByteBuffer();
            var valid = new int[DepsJsonMutator.Kinds];
            var invalid = new int[DepsJsonMutator.Kinds];
            long slowestTicks = 0, slowestIndex = -1;
            for (long i = p; i < Inputs; i += partitions)
            {
                int kind = mutator.Mutate(Seed, i, buffer);
                long start = Stopwatch.GetTimestamp();
                DepsJsonProblem? problem;
                try
                {
                    problem = DepsJsonValidator.Validate(buffer.Memory);
                }
                catch (Exception ex)
                {
                    throw new Xunit.Sdk.XunitException($"input {i} (seed {Seed}, kind {kind}) threw {ex}");
                }

                long ticks = Stopwatch.GetTimestamp() - start;
                if (ticks > slowestTicks)
                {
                    (slowestTicks, slowestIndex) = (ticks, i);
                }

                (problem is null ? valid : invalid)[kind]++;
            }

            results[p] = (valid, invalid, slowestTicks, slowestIndex);
        });
        total.Stop();
        int[] valid = [.. Enumerable.Range(0, DepsJsonMutator.Kinds).Select(k => results.Sum(r => r.Valid[k]))];
        int[] invalid = [.. Enumerable.Range(0, DepsJsonMutator.Kinds).Select(k => results.Sum(r => r.Invalid[k]))];
        var slowest = results.MaxBy(r => r.SlowestTicks);
        TestContext.Current.TestOutputHelper!.WriteLine(
            $"{Inputs} inputs in {total.Elapsed.TotalSeconds:F2} s on {partitions} thread(s) ({total.Elapsed.TotalMicroseconds * partitions / Inputs:F2} us each), " +
            $"slowest {slowest.SlowestTicks * 1e6 / Stopwatch.Frequency:F0} us (input {slowest.SlowestIndex}); " +
            $"valid/invalid by kind (flip, swap, truncate, nest, duplicate, swap+flip): {string.Join(", ", valid.Zip(invalid, (v, n) => $"{v}/{n}"))}");
        Assert.Equal(Inputs, valid.Sum() + invalid.Sum());
        for (int kind = 0; kind < DepsJsonMutator.Kinds; kind++)
        {
            Assert.True(invalid[kind] > 0, $"no mutant of kind {kind} was refused: the mutations do not reach the checks");
        }

        // A truncation is never valid (the last brace is gone) unless nothing was cut, which the mutator never does.
        Assert.Equal(0, valid[2]);
        // Swaps that land in unchecked places (a signature, an assemblyVersion's sibling...) stay valid.
        Assert.True(valid[1] > 0, "no swap was accepted: the validator refuses more than the format");
    }

    [Fact]
    public void The_mutants_are_the_same_bytes_for_the_same_seed_and_index()
    {
        DepsJsonMutator a = Mutator(), b = Mutator();
        var x = new DepsJsonMutator.ByteBuffer();
        var y = new DepsJsonMutator.ByteBuffer();
        for (long i = 0; i < 1000; i++)
        {
            long index = i * 997; // spread over the million
            a.Mutate(Seed, index, x);
            b.Mutate(Seed, index, y);
            Assert.True(x.Memory.Span.SequenceEqual(y.Memory.Span), $"input {index} differs between two mutators");
        }
    }

    [Fact]
    public void Mutants_judged_valid_are_read_by_the_native_resolver_without_crashing()
    {
        // The oracle is hostpolicy itself, in this process: a mutant that passes the validator and still crashes the
        // native reader takes the test run down (exit 134/139), which fails it loudly.
        DepsJsonMutator mutator = Mutator();
        string dir = RepoPaths.NewTempDir("deps-oracle");
        string main = Path.Combine(dir, "Probe.dll");
        File.Copy(Path.Combine(RepoPaths.CliPlugins, "Core", "SyfalaGraph.Plugins.Core.dll"), main);
        var buffer = new DepsJsonMutator.ByteBuffer();
        int checkedCount = 0, resolved = 0;
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < Inputs && checkedCount < 400; i++)
        {
            int kind = mutator.Mutate(Seed, i, buffer);
            if (kind is not (1 or 3 or 4) || DepsJsonValidator.Validate(buffer.Memory) is not null)
            {
                continue; // type swaps, nesting and duplicates: the mutants that stay well-formed JSON
            }

            File.WriteAllBytes(Path.ChangeExtension(main, ".deps.json"), buffer.Memory.ToArray());
            checkedCount++;
            try
            {
                _ = new AssemblyDependencyResolver(main).ResolveAssemblyToPath(new System.Reflection.AssemblyName("SyfalaGraph.Dsp"));
                resolved++;
            }
            catch (InvalidOperationException)
            {
                // The host refused it with an error (not a crash): allowed.
            }
        }

        TestContext.Current.TestOutputHelper!.WriteLine($"{checkedCount} accepted mutants given to the native resolver in {watch.Elapsed.TotalSeconds:F2} s; {resolved} resolved, {checkedCount - resolved} refused by it");
        Assert.Equal(400, checkedCount);
    }
}
