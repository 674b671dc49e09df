using System.Text;
using System.Text.Json.Nodes;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Engine.Tests.Plugins;

/// <summary>
/// <see cref="DepsJsonValidator"/> against the manifests <c>dotnet build</c> writes and against each way a manifest can
/// be valid JSON and still crash the native host (hostpolicy's deps_format.cpp reads members with unchecked accessors).
/// </summary>
public class DepsJsonValidatorTests
{
    private static readonly string Target = RepoPaths.PluginDepsTarget;
    private const string CoreLibrary = "SyfalaGraph.Plugins.Core/1.0.0";

    internal static string CoreManifestPath => Path.Combine(RepoPaths.CliPlugins, "Core", "SyfalaGraph.Plugins.Core.deps.json");

    /// <summary>Every manifest the build wrote: the CLI's plugins and this test assembly's own (packages with runtimeTargets).</summary>
    internal static IEnumerable<string> BuiltManifests() =>
        Directory.GetFiles(RepoPaths.CliPlugins, "*.deps.json", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.deps.json"))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void The_manifests_dotnet_build_writes_are_valid()
    {
        List<string> manifests = BuiltManifests().ToList();
        Assert.True(manifests.Count >= 6, string.Join(", ", manifests));
        foreach (string path in manifests)
        {
            Assert.True(DepsJsonValidator.ValidateFile(path) is null, $"{path}: {DepsJsonValidator.ValidateFile(path)}");
        }

        Assert.Null(DepsJsonValidator.Validate(Encoding.UTF8.GetBytes(DepsJsonFuzzTests.WithNativeAssets)));
    }

    [Fact]
    public void Libraries_given_as_a_string_is_refused_at_its_json_path()
    {
        // The issue's first case: the native host aborted (SIGABRT, exit 134) on it.
        DepsJsonProblem problem = Refused(m => m["libraries"] = "x");
        Assert.Equal("$.libraries", problem.JsonPath);
        Assert.Equal("expected an object, found a string", problem.Message);
    }

    [Fact]
    public void A_runtime_asset_map_given_as_a_number_is_refused_at_its_json_path()
    {
        // The issue's second case: the native host crashed with SIGSEGV (exit 139).
        DepsJsonProblem problem = Refused(m => m["targets"]![Target]![CoreLibrary]!["runtime"] = 5);
        Assert.Equal($"$.targets['{Target}']['{CoreLibrary}'].runtime", problem.JsonPath);
        Assert.Equal("expected an object, found a number", problem.Message);
    }

    public static TheoryData<string, string, string> TypeErrors => new()
    {
        // mutation (a JSON path to replace, and its new JSON value), expected JSON path, expected message start
        { "runtimeTarget=5", "$.runtimeTarget", "expected an object, found a number" },
        { "runtimeTarget.name=[]", "$.runtimeTarget.name", "expected a string, found an array" },
        { "runtimeTarget.name=\"\"", "$.runtimeTarget.name", "an empty string" },
        { "runtimeTarget.signature=1", "$.runtimeTarget.signature", "expected a string" },
        { "compilationOptions=true", "$.compilationOptions", "expected an object, found a boolean" },
        { "compilationOptions.defines=\"DEBUG\"", "$.compilationOptions.defines", "expected an array, found a string" },
        { "compilationOptions.defines=[1]", "$.compilationOptions.defines[0]", "expected a string, found a number" },
        { "compilationOptions.optimize=\"yes\"", "$.compilationOptions.optimize", "expected a boolean or null" },
        { "compilationOptions.languageVersion=12", "$.compilationOptions.languageVersion", "expected a string" },
        { "targets=[]", "$.targets", "expected an object, found an array" },
        { $"targets.{Target}=null", $"$.targets['{Target}']", "expected an object, found null" },
        { $"targets.{Target}.{CoreLibrary}=\"x\"", $"$.targets['{Target}']['{CoreLibrary}']", "expected an object, found a string" },
        { $"targets.{Target}.{CoreLibrary}.dependencies=[]", $"$.targets['{Target}']['{CoreLibrary}'].dependencies", "expected an object" },
        { $"targets.{Target}.{CoreLibrary}.dependencies.SyfalaGraph.Dsp=1", $"$.targets['{Target}']['{CoreLibrary}'].dependencies['SyfalaGraph.Dsp']", "expected a string, found a number" },
        { $"targets.{Target}.{CoreLibrary}.runtime.SyfalaGraph.Plugins.Core.dll=\"x\"", $"$.targets['{Target}']['{CoreLibrary}'].runtime['SyfalaGraph.Plugins.Core.dll']", "expected an object, found a string" },
        { $"targets.{Target}.{CoreLibrary}.runtime.SyfalaGraph.Plugins.Core.dll={{\"fileVersion\":1}}", $"$.targets['{Target}']['{CoreLibrary}'].runtime['SyfalaGraph.Plugins.Core.dll'].fileVersion", "expected a string" },
        { $"targets.{Target}.{CoreLibrary}.native=5", $"$.targets['{Target}']['{CoreLibrary}'].native", "expected an object, found a number" },
        { $"targets.{Target}.{CoreLibrary}.resources={{\"de/x.dll\":{{\"locale\":5}}}}", $"$.targets['{Target}']['{CoreLibrary}'].resources['de/x.dll'].locale", "expected a string" },
        { $"targets.{Target}.{CoreLibrary}.runtimeTargets={{\"runtimes/linux/x.so\":{{\"assetType\":\"native\"}}}}", $"$.targets['{Target}']['{CoreLibrary}'].runtimeTargets['runtimes/linux/x.so']", "rid is missing" },
        { $"targets.{Target}.{CoreLibrary}.runtimeTargets={{\"runtimes/linux/x.so\":{{\"rid\":\"linux\",\"assetType\":7}}}}", $"$.targets['{Target}']['{CoreLibrary}'].runtimeTargets['runtimes/linux/x.so'].assetType", "expected a string" },
        { $"targets.{Target}.{CoreLibrary}.compileOnly=1", $"$.targets['{Target}']['{CoreLibrary}'].compileOnly", "expected a boolean or null" },
        { $"targets.{Target}.{CoreLibrary}.runtime={{\"../../evil.dll\":{{}}}}", $"$.targets['{Target}']['{CoreLibrary}'].runtime['../../evil.dll']", "an asset path must be relative" },
        { $"targets.{Target}.{CoreLibrary}.runtime={{\"/usr/lib/evil.dll\":{{}}}}", $"$.targets['{Target}']['{CoreLibrary}'].runtime['/usr/lib/evil.dll']", "an asset path must be relative" },
        { $"libraries.{CoreLibrary}=[]", $"$.libraries['{CoreLibrary}']", "expected an object, found an array" },
        { $"libraries.{CoreLibrary}.serviceable=\"false\"", $"$.libraries['{CoreLibrary}'].serviceable", "expected a boolean, found a string" },
        { $"libraries.{CoreLibrary}.type=null", $"$.libraries['{CoreLibrary}'].type", "expected a string, found null" },
        { $"libraries.{CoreLibrary}.sha512=0", $"$.libraries['{CoreLibrary}'].sha512", "expected a string, found a number" },
        { $"libraries.{CoreLibrary}.path={{}}", $"$.libraries['{CoreLibrary}'].path", "expected a string, found an object" },
        { "runtimes={\"linux-x64\":\"linux\"}", "$.runtimes['linux-x64']", "expected an array, found a string" },
        { "runtimes={\"linux-x64\":[5]}", "$.runtimes['linux-x64'][0]", "expected a string, found a number" },
    };

    [Theory]
    [MemberData(nameof(TypeErrors))]
    public void A_value_of_the_wrong_type_is_refused_at_its_json_path(string mutation, string path, string message)
    {
        int eq = mutation.LastIndexOf('='); // the target's name holds one too
        string[] keys = SplitPath(mutation[..eq]);
        JsonNode? value = JsonNode.Parse(mutation[(eq + 1)..]);
        DepsJsonProblem problem = Refused(m =>
        {
            JsonObject parent = m;
            foreach (string key in keys[..^1])
            {
                parent = parent[key]!.AsObject();
            }

            parent[keys[^1]] = value;
        });
        Assert.Equal(path, problem.JsonPath);
        Assert.StartsWith(message, problem.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MissingMembers => new()
    {
        { "runtimeTarget", "$: runtimeTarget is missing" },
        { "targets", "$: targets is missing" },
        { "libraries", "$: libraries is missing" },
    };

    [Theory]
    [MemberData(nameof(MissingMembers))]
    public void A_member_the_host_requires_must_be_there(string member, string expected)
    {
        Assert.Equal(expected, Refused(m => m.Remove(member)).ToString());
    }

    [Fact]
    public void A_library_without_serviceable_type_or_sha512_is_refused()
    {
        // hostpolicy reads library["serviceable"].GetBool(), library["type"].GetString() and library["sha512"].GetString() unchecked.
        Assert.Equal($"$.libraries['{CoreLibrary}']: serviceable is missing", Refused(m => m["libraries"]![CoreLibrary]!.AsObject().Remove("serviceable")).ToString());
        Assert.Equal($"$.libraries['{CoreLibrary}']: type is missing", Refused(m => m["libraries"]![CoreLibrary]!.AsObject().Remove("type")).ToString());
        // Found by the native-resolver oracle of DepsJsonFuzzTests: the installed hostpolicy aborts without sha512.
        Assert.Equal($"$.libraries['{CoreLibrary}']: sha512 is missing", Refused(m => m["libraries"]![CoreLibrary]!.AsObject().Remove("sha512")).ToString());
    }

    [Fact]
    public void The_runtime_target_must_name_a_target_whose_libraries_are_all_listed()
    {
        Assert.Equal("$.targets: no target named 'other', the runtimeTarget's name",
            Refused(m => m["runtimeTarget"]!["name"] = "other").ToString());
        Assert.Equal($"$.targets['{Target}']['Extra/1.0.0']: this library has no entry in $.libraries",
            Refused(m => m["targets"]![Target]!["Extra/1.0.0"] = new JsonObject()).ToString());
        Assert.Equal($"$.targets['{Target}'].noversion: a library is named 'name/version'",
            Refused(m => m["targets"]![Target]!["noversion"] = new JsonObject()).ToString());
    }

    [Fact]
    public void The_older_string_form_of_runtimeTarget_is_accepted_as_the_host_accepts_it()
    {
        Assert.Null(DepsJsonValidator.Validate(Mutated(m => m["runtimeTarget"] = Target)));
    }

    [Fact]
    public void Unknown_members_are_allowed_as_both_readers_skip_them()
    {
        Assert.Null(DepsJsonValidator.Validate(Mutated(m =>
        {
            m["extra"] = new JsonArray(1, 2);
            m["libraries"]![CoreLibrary]!["future"] = 5;
        })));
    }

    [Fact]
    public void A_byte_order_mark_and_comments_are_accepted_as_the_host_accepts_them()
    {
        byte[] original = File.ReadAllBytes(CoreManifestPath);
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. "// made by hand\n"u8, .. original];
        Assert.Null(DepsJsonValidator.Validate(withBom));
    }

    public static TheoryData<string, string> SyntaxLevelProblems => new()
    {
        // Where the two parsers could read different documents, or the native one could recurse without bound.
        { "{\"runtimeTarget\":{\"name\":\"a\"},\"runtimeTarget\":5}", "Duplicate" },
        { new string('[', 65) + new string(']', 65), "depth" },
        { "{\"a\":1,}", "not valid JSON" },
        { "{\"a\":1} trailing", "not valid JSON" },
        { "", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(SyntaxLevelProblems))]
    public void Json_that_the_two_parsers_could_read_differently_is_refused(string text, string expected)
    {
        DepsJsonProblem? problem = DepsJsonValidator.Validate(Encoding.UTF8.GetBytes(text));
        Assert.NotNull(problem);
        Assert.Equal("$", problem.JsonPath);
        Assert.Contains(expected, problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Strings_with_nul_or_unpaired_surrogates_and_bytes_that_are_not_utf8_are_refused()
    {
        string text = File.ReadAllText(CoreManifestPath);
        Assert.Equal("$.runtimeTarget.name: a string with a U+0000 character",
            DepsJsonValidator.Validate(Encoding.UTF8.GetBytes(text.Replace("\"name\": \".NETCoreApp", "\"name\": \"\\u0000.NETCoreApp", StringComparison.Ordinal)))?.ToString());
        Assert.Equal("$.runtimeTarget.name: a string that is not valid Unicode (an unpaired surrogate escape)",
            DepsJsonValidator.Validate(Encoding.UTF8.GetBytes(text.Replace("\"name\": \".NETCoreApp", "\"name\": \"\\ud800.NETCoreApp", StringComparison.Ordinal)))?.ToString());
        byte[] bytes = File.ReadAllBytes(CoreManifestPath);
        bytes[bytes.AsSpan().IndexOf("NETCoreApp"u8)] = 0xC3; // a lead byte with no continuation
        Assert.Equal("$: not valid UTF-8", DepsJsonValidator.Validate(bytes)?.ToString());
    }

    [Fact]
    public void A_file_larger_than_the_bound_is_refused_before_it_is_read()
    {
        string path = Path.Combine(RepoPaths.NewTempDir("deps"), "big.deps.json");
        using (var f = new FileStream(path, FileMode.CreateNew))
        {
            f.SetLength(DepsJsonValidator.MaxFileBytes + 1L); // sparse: nothing is written, and nothing may be read
        }

        Assert.Equal($"$: {DepsJsonValidator.MaxFileBytes + 1L} bytes: larger than the {DepsJsonValidator.MaxFileBytes} bytes a .deps.json may have",
            DepsJsonValidator.ValidateFile(path)?.ToString());
        Assert.StartsWith("$: cannot be read: ", DepsJsonValidator.ValidateFile(path + ".missing")?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Long_keys_are_shortened_in_the_json_path()
    {
        string longName = new string('a', 200) + "/1.0.0";
        DepsJsonProblem problem = Refused(m => m["libraries"]![longName] = 5);
        Assert.Equal($"$.libraries['{new string('a', 64)}…']", problem.JsonPath);
    }

    private static DepsJsonProblem Refused(Action<JsonObject> mutate)
    {
        DepsJsonProblem? problem = DepsJsonValidator.Validate(Mutated(mutate));
        Assert.NotNull(problem);
        return problem;
    }

    private static byte[] Mutated(Action<JsonObject> mutate)
    {
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(CoreManifestPath))!.AsObject();
        mutate(manifest);
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    // "a.b.c" where the target and library names themselves hold dots: the known long names are kept whole.
    private static string[] SplitPath(string path)
    {
        var keys = new List<string>();
        foreach (string known in new[] { Target, CoreLibrary, "SyfalaGraph.Plugins.Core.dll", "SyfalaGraph.Dsp" })
        {
            path = path.Replace(known, known.Replace('.', '\u0001'), StringComparison.Ordinal);
        }

        foreach (string part in path.Split('.'))
        {
            keys.Add(part.Replace('\u0001', '.'));
        }

        return [.. keys];
    }
}
