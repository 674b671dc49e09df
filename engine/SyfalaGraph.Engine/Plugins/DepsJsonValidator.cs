using System.Text;
using System.Text.Json;

namespace SyfalaGraph.Engine.Plugins;

// Design: AssemblyDependencyResolver hands the .deps.json to the native host (hostpolicy, deps_format.cpp), which
// parses it with RapidJSON and then reads the members it needs with unchecked accessors: `json["libraries"].GetObject()`
// on a string, `library["serviceable"].GetBool()` on a missing member, `file.value.FindMember(...)` on a number. Those
// (and, in other versions of that file, `library["sha512"].GetString()`) are undefined behaviour or assertions in native code — SIGABRT or SIGSEGV of the whole process, which no managed
// catch can stop. So every value that the native reader touches is checked here, with System.Text.Json, before the
// resolver is created; the managed reader (Microsoft.Extensions.DependencyModel's DependencyContextJsonReader)
// defines the types of the members the native one does not read (compilationOptions, compile, sha512, ...).
//
// Beyond types, the checks close the places where the two parsers could see different documents: duplicate
// property names (RapidJSON's FindMember takes the first, JsonElement the last) are refused, and so are strings
// with U+0000 (the native host looks targets up by C string, so "a\u0000b" would find no target) and depth beyond
// 64 (RapidJSON parses recursively). Unknown members are allowed: both readers skip them.

/// <summary>
/// Checks a <c>.deps.json</c> (a dependency manifest, as <c>dotnet build</c> writes beside a plugin's assembly)
/// against the format the .NET host reads: <c>runtimeTarget</c>, <c>compilationOptions</c>, <c>targets</c>,
/// <c>libraries</c> and <c>runtimes</c>, member by member, by type. A file that passes can be given to
/// <see cref="System.Runtime.Loader.AssemblyDependencyResolver"/> without risk of a native crash.
/// Thread-safe (no state); never throws for any input.
/// </summary>
/// <remarks>
/// Sources: dotnet/runtime <c>src/native/corehost/hostpolicy/deps_format.cpp</c> (what the host requires) and
/// <c>src/libraries/Microsoft.Extensions.DependencyModel/src/DependencyContextJsonReader.cs</c> (the full format),
/// <c>docs/design/features/host-component-dependencies-resolution.md</c> (a plugin's resolution reads only its own
/// <c>.deps.json</c>, never a <c>.runtimeconfig.json</c>).
/// </remarks>
public static class DepsJsonValidator
{
    /// <summary>
    /// Largest file accepted, in bytes (4 MiB). A plugin's manifest is a few KB; the largest that real applications
    /// with hundreds of packages have are a few hundred KB. Checked before anything is read.
    /// </summary>
    public const int MaxFileBytes = 4 << 20;

    /// <summary>Deepest nesting accepted (objects and arrays; the format itself needs 6).</summary>
    public const int MaxDepth = 64;

    private const int MaxKeyInPath = 64;

    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Skip, // the host's RapidJSON is run with kParseCommentsFlag
        AllowTrailingCommas = false,
        AllowDuplicateProperties = false,
    };

    private static readonly string[] CompilationStrings = ["languageVersion", "platform", "keyFile", "debugType"];

    private static readonly string[] CompilationBooleans =
        ["allowUnsafe", "warningsAsErrors", "optimize", "delaySign", "publicSign", "emitEntryPoint", "generateXmlDocumentation"];

    private static readonly string[] FileStrings = ["assemblyVersion", "fileVersion", "localPath"];

    private static readonly string[] LibraryStrings = ["path", "hashPath", "runtimeStoreManifestName"];

    /// <summary>
    /// Reads and checks the file at <paramref name="path"/>: its size is checked before it is read (at most
    /// <see cref="MaxFileBytes"/> bytes are ever read, even if it grows meanwhile). Returns null when it is valid.
    /// </summary>
    public static DepsJsonProblem? ValidateFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            long length = stream.Length;
            if (length > MaxFileBytes)
            {
                return TooLarge(length);
            }

            byte[] bytes = new byte[(int)length + 1]; // one more: a file that grew since is seen as too large
            int read = 0, n;
            while (read < bytes.Length && (n = stream.Read(bytes, read, bytes.Length - read)) > 0)
            {
                read += n;
            }

            return read > length ? TooLarge(read) : Validate(bytes.AsMemory(0, read));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new DepsJsonProblem("$", "cannot be read: " + ex.Message);
        }
    }

    /// <summary>Checks a manifest's bytes (UTF-8, a leading byte-order mark allowed). Returns null when it is valid.</summary>
    public static DepsJsonProblem? Validate(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Length > MaxFileBytes)
        {
            return TooLarge(utf8.Length);
        }

        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            return new DepsJsonProblem("$", "not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException ex)
        {
            return new DepsJsonProblem("$", "not valid JSON: " + ex.Message);
        }

        using (document)
        {
            var checker = new Checker();
            checker.Root(document.RootElement);
            return checker.Problem;
        }
    }

    private static DepsJsonProblem TooLarge(long length) =>
        new("$", $"{length} bytes: larger than the {MaxFileBytes} bytes a .deps.json may have");

    /// <summary>Walks the document; the first problem found is kept and ends the walk (every method returns false).</summary>
    private sealed class Checker
    {
        private readonly List<string> _path = ["$"];

        public DepsJsonProblem? Problem { get; private set; }

        public void Root(JsonElement root)
        {
            if (!Expect(root, JsonValueKind.Object)
                || !RuntimeTarget(root, out string? targetName)
                || !Optional(root, "compilationOptions", CompilationOptions)
                || !Required(root, "targets", t => Map(t, "target", Target))
                || !Required(root, "libraries", l => Map(l, "library", Library))
                || !Optional(root, "runtimes", r => Map(r, "runtime identifier", StringArray)))
            {
                return;
            }

            JsonElement libraries = root.GetProperty("libraries");
            Enter("targets");
            if (!root.GetProperty("targets").TryGetProperty(targetName!, out JsonElement target))
            {
                Fail($"no target named '{targetName}', the runtimeTarget's name");
                return;
            }

            // DependencyContextJsonReader refuses a target library with no entry in libraries; the host skips it.
            Enter(targetName!);
            foreach (JsonProperty library in target.EnumerateObject())
            {
                if (!libraries.TryGetProperty(library.Name, out _))
                {
                    Enter(library.Name);
                    Fail("this library has no entry in $.libraries");
                    return;
                }
            }
        }

        private bool RuntimeTarget(JsonElement root, out string? name)
        {
            name = null;
            if (!root.TryGetProperty("runtimeTarget", out JsonElement value))
            {
                return Fail("runtimeTarget is missing");
            }

            Enter("runtimeTarget");
            if (value.ValueKind == JsonValueKind.String) // the host's older form: the target's name alone
            {
                return NonEmptyString(value, out name) && Leave();
            }

            string? found = null;
            bool ok = Expect(value, JsonValueKind.Object)
                && Required(value, "name", v => NonEmptyString(v, out found))
                && Optional(value, "signature", v => Text(v))
                && Leave();
            name = found;
            return ok;
        }

        private bool CompilationOptions(JsonElement options)
        {
            if (!Expect(options, JsonValueKind.Object)
                || !Optional(options, "defines", StringArray))
            {
                return false;
            }

            foreach (string key in CompilationStrings)
            {
                if (!Optional(options, key, v => v.ValueKind == JsonValueKind.Null || Text(v)))
                {
                    return false;
                }
            }

            foreach (string key in CompilationBooleans)
            {
                if (!Optional(options, key, v => v.ValueKind is JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False || Expected("a boolean or null", v)))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Target(JsonElement target) => Map(target, "library", TargetLibrary, LibraryKey);

        private bool TargetLibrary(JsonElement library) =>
            Expect(library, JsonValueKind.Object)
            && Optional(library, "dependencies", d => Map(d, "dependency", v => NonEmptyString(v, out _)))
            && Optional(library, "runtime", r => Map(r, "file", AssetFile, AssetPath))
            && Optional(library, "native", r => Map(r, "file", AssetFile, AssetPath))
            && Optional(library, "resources", r => Map(r, "file", f => Expect(f, JsonValueKind.Object) && Optional(f, "locale", v => Text(v)), AssetPath))
            && Optional(library, "runtimeTargets", r => Map(r, "file", RuntimeTargetFile, AssetPath))
            && Optional(library, "compile", c => Map(c, "file", _ => true))
            && Optional(library, "compileOnly", v => v.ValueKind is JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False || Expected("a boolean or null", v));

        private bool AssetFile(JsonElement file)
        {
            if (!Expect(file, JsonValueKind.Object))
            {
                return false;
            }

            foreach (string key in FileStrings)
            {
                if (!Optional(file, key, v => Text(v)))
                {
                    return false;
                }
            }

            return true;
        }

        private bool RuntimeTargetFile(JsonElement file) =>
            AssetFile(file)
            && Required(file, "rid", v => NonEmptyString(v, out _))
            && Required(file, "assetType", v => NonEmptyString(v, out _));

        private bool Library(JsonElement library)
        {
            if (!Expect(library, JsonValueKind.Object)
                || !Required(library, "type", v => NonEmptyString(v, out _))
                || !Required(library, "serviceable", v => v.ValueKind is JsonValueKind.True or JsonValueKind.False || Expected("a boolean", v))
                || !Required(library, "sha512", v => Text(v))) // read unchecked by some hostpolicy versions (the installed 10.0's)
            {
                return false;
            }

            foreach (string key in LibraryStrings)
            {
                if (!Optional(library, key, v => Text(v)))
                {
                    return false;
                }
            }

            return true;
        }

        private bool StringArray(JsonElement array)
        {
            if (!Expect(array, JsonValueKind.Array))
            {
                return false;
            }

            int i = 0;
            foreach (JsonElement item in array.EnumerateArray())
            {
                _path.Add($"[{i++}]");
                if (!Text(item))
                {
                    return false;
                }

                Leave();
            }

            return true;
        }

        /// <summary>An object whose every member (a non-empty name, checked by <paramref name="key"/>) passes <paramref name="value"/>.</summary>
        private bool Map(JsonElement map, string what, Func<JsonElement, bool> value, Func<string, string?>? key = null)
        {
            if (!Expect(map, JsonValueKind.Object))
            {
                return false;
            }

            foreach (JsonProperty member in map.EnumerateObject())
            {
                if (!Name(member, out string name))
                {
                    return false;
                }

                if (name.Length == 0)
                {
                    return Fail($"a {what} with an empty name");
                }

                Enter(name);
                if (key?.Invoke(name) is { } wrong)
                {
                    return Fail(wrong);
                }

                if (!value(member.Value))
                {
                    return false;
                }

                Leave();
            }

            return true;
        }

        private static string? LibraryKey(string name) =>
            name.IndexOf('/', StringComparison.Ordinal) is > 0 and int slash && slash < name.Length - 1
                ? null
                : "a library is named 'name/version'";

        // Assets resolve relative to the plugin folder (its shadow copy): a rooted path or a '..' would load files
        // from outside it, which the shadow copy does not hold.
        private static string? AssetPath(string path) =>
            Path.IsPathRooted(path) || path.StartsWith('\\') || (path.Length > 1 && path[1] == ':') || path.Split('/', '\\').Contains("..")
                ? "an asset path must be relative to the plugin folder, without '..'"
                : null;

        private bool Required(JsonElement obj, string name, Func<JsonElement, bool> check)
        {
            if (!obj.TryGetProperty(name, out JsonElement value))
            {
                return Fail($"{name} is missing");
            }

            Enter(name);
            return check(value) && Leave();
        }

        private bool Optional(JsonElement obj, string name, Func<JsonElement, bool> check)
        {
            if (!obj.TryGetProperty(name, out JsonElement value))
            {
                return true;
            }

            Enter(name);
            return check(value) && Leave();
        }

        private bool Text(JsonElement value) => Text(value, out _);

        private bool Text(JsonElement value, out string text)
        {
            text = "";
            if (value.ValueKind != JsonValueKind.String)
            {
                return Expected("a string", value);
            }

            try
            {
                text = value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return Fail("a string that is not valid Unicode (an unpaired surrogate escape)");
            }

            return !text.Contains('\0', StringComparison.Ordinal) || Fail("a string with a U+0000 character");
        }

        private bool NonEmptyString(JsonElement value, out string? text)
        {
            text = null;
            if (!Text(value, out string s))
            {
                return false;
            }

            text = s;
            return s.Length > 0 || Fail("an empty string");
        }

        private bool Name(JsonProperty member, out string name)
        {
            name = "";
            try
            {
                name = member.Name;
            }
            catch (InvalidOperationException)
            {
                return Fail("a property name that is not valid Unicode (an unpaired surrogate escape)");
            }

            return !name.Contains('\0', StringComparison.Ordinal) || Fail("a property name with a U+0000 character");
        }

        private bool Expect(JsonElement value, JsonValueKind kind) =>
            value.ValueKind == kind || Expected(kind == JsonValueKind.Object ? "an object" : "an array", value);

        private bool Expected(string what, JsonElement found) => Fail($"expected {what}, found {Describe(found.ValueKind)}");

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };

        private void Enter(string name) => _path.Add(Segment(name));

        private bool Leave()
        {
            _path.RemoveAt(_path.Count - 1);
            return true;
        }

        private bool Fail(string message)
        {
            Problem ??= new DepsJsonProblem(string.Concat(_path), message);
            return false;
        }

        private static string Segment(string name)
        {
            bool identifier = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
                && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
            if (identifier && name.Length <= MaxKeyInPath)
            {
                return "." + name;
            }

            string shown = name.Length <= MaxKeyInPath ? name : name[..MaxKeyInPath] + "…";
            var sb = new StringBuilder("['", shown.Length + 4);
            foreach (char c in shown)
            {
                _ = c switch
                {
                    '\'' => sb.Append("\\'"),
                    '\\' => sb.Append("\\\\"),
                    < ' ' => sb.Append($"\\u{(int)c:x4}"),
                    _ => sb.Append(c),
                };
            }

            return sb.Append("']").ToString();
        }
    }
}
