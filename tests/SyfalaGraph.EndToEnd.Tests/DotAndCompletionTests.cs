using System.Diagnostics;
using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>
/// <c>syfala-graph dot</c> checked by the real Graphviz, and <c>syfala-graph completion</c> run by real bash, zsh and
/// fish (issue 20, item 7). The shells and Graphviz are installed by <c>.ci/install-native-deps</c>.
/// </summary>
public class DotAndCompletionTests
{
    private static string AppHost => Path.Combine(RepoPaths.CliBin, "syfala-graph");

    [Fact]
    public void Dot_of_every_graph_is_accepted_by_graphviz()
    {
        foreach (string graph in Directory.GetFiles(RepoPaths.Graphs, "*.yaml").Order(StringComparer.Ordinal))
        {
            Cli.Result r = Cli.Run(RepoPaths.Root, "dot", graph);
            Assert.True(r.ExitCode == 0, $"{graph}: {r.StdErr}");
            string file = Path.Combine(RepoPaths.NewTempDir("dot"), "g.dot");
            File.WriteAllText(file, r.StdOut);
            (int exit, string output) = Shell(null, "dot", "-Tsvg", "-o", "/dev/null", file);
            Assert.True(exit == 0 && output.Length == 0, $"{graph}: dot said: {output}\n{r.StdOut}"); // no warning either
        }
    }

    [Fact]
    public void Dot_draws_domains_as_clusters_and_bridges_dashed_with_their_options()
    {
        Cli.Result r = Cli.Run(RepoPaths.Root, "dot", "graphs/drift-bridge.yaml");

        Assert.True(r.ExitCode == 0, r.StdErr);
        string[] lines = r.StdOut.Split('\n');
        Assert.Equal(2, lines.Count(l => l.TrimStart().StartsWith("subgraph \"cluster_", StringComparison.Ordinal)));
        Assert.Contains("    label=\"domain 'card_b' (driven by node 'card_b')\"; style=rounded;", lines);
        Assert.Contains("    \"card_a\" [label=\"{card_a\\nrealtime.clock\\n(driver)}\", style=bold];", lines);
        Assert.Contains("    \"meter_a\" [label=\"{{<i_in> in (1 ch)}|meter_a\\nmeter|{<o_out> out (1 ch)}}\"];", lines);
        Assert.Contains("  \"tone_a\":\"o_out\":e -> \"record_b\":\"i_in\":w [label=\"1 ch\\nbridge: 256 frames, high\", style=dashed, color=\"#b03060\"];", lines);
        Assert.Equal(2, lines.Count(l => l.Contains("style=dashed", StringComparison.Ordinal)));
    }

    [Fact]
    public void Dot_of_an_invalid_graph_reports_the_errors_of_validate()
    {
        string dir = RepoPaths.NewTempDir("dot-bad");
        File.WriteAllText(Path.Combine(dir, "g.yaml"), """
            version: 1
            nodes:
              t: { type: tone }
              w: { type: file.writer, params: { path: out.wav } }
            links:
              - t.out -> w.inn
            """);

        Cli.Result r = Cli.Run(dir, "dot", "g.yaml");

        Assert.Equal(2, r.ExitCode);
        Assert.Empty(r.StdOut);
        Assert.StartsWith("g.yaml:6:", r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("va", "validate")]
    [InlineData("run --log-level de", "debug")]
    [InlineData("syfala ", "discover")] // a command the Syfala plugin contributes
    [InlineData("run --wa", "--watch")]
    public void Bash_completes_commands_options_values_and_plugin_commands(string typed, string expected)
    {
        string[] words = Complete("bash", typed);
        Assert.Contains(expected, words);
        Assert.DoesNotContain(words, w => w.StartsWith('/'));
    }

    [Fact]
    public void Bash_leaves_a_graph_file_argument_to_file_name_completion()
    {
        Assert.Empty(Complete("bash", "run gra"));
        (_, string spec) = Shell(null, "bash", "-c", $"source <({AppHost} completion bash) && complete -p syfala-graph");
        Assert.Equal("complete -o bashdefault -o default -F _syfala_graph syfala-graph", spec.Trim());
    }

    [Theory]
    [InlineData("zsh")]
    [InlineData("fish")]
    public void Zsh_and_fish_complete_commands_and_option_values(string shell)
    {
        Assert.Contains("validate", Complete(shell, "va"));
        Assert.Contains("debug", Complete(shell, "run --log-level de"));
        Assert.Contains("probe", Complete(shell, "syfala pr"));
    }

    [Fact]
    public void Completion_refuses_an_unknown_shell()
    {
        Cli.Result r = Cli.Run(RepoPaths.Root, "completion", "tcsh");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("tcsh", r.StdErr, StringComparison.Ordinal);
    }

    /// <summary>What <paramref name="shell"/>, with the script of <c>completion SHELL</c> loaded, offers at the end of <paramref name="typed"/>.</summary>
    private static string[] Complete(string shell, string typed)
    {
        string script = Path.Combine(RepoPaths.NewTempDir("completion"), "script");
        Cli.Result r = Cli.Run(RepoPaths.Root, "completion", shell);
        Assert.True(r.ExitCode == 0, r.StdErr);
        File.WriteAllText(script, r.StdOut);
        string line = AppHost + " " + typed;
        (int exit, string output) = shell switch
        {
            // As bash calls a -F function at TAB: COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD set.
            "bash" => Shell(script, "bash", "-c", """
                source "$SCRIPT"
                COMP_LINE="$LINE"; COMP_POINT=${#LINE}
                read -r -a COMP_WORDS <<< "$LINE"
                [[ "$LINE" == *" " ]] && COMP_WORDS+=("")
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                _syfala_graph
                printf '%s\n' "${COMPREPLY[@]}"
                """),
            // compadd and _files exist only inside a completion widget: stand-ins print what they are given.
            "zsh" => Shell(script, "zsh", "-c", """
                compdef() { }
                compadd() { [[ "$1" == -a ]] && print -l ${(P)2} }
                _files() { print -- "(files)" }
                source "$SCRIPT"
                words=(${=LINE}); [[ "$LINE" == *" " ]] && words+=("")
                CURRENT=${#words}
                _syfala_graph
                """),
            // fish runs the registered completions itself.
            _ => Shell(script, "fish", "-c", "source $SCRIPT; complete -C \"$LINE\""),
        };
        Assert.True(exit == 0, $"{shell}: exit {exit}: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Split('\t')[0]) // fish prints "word<TAB>description"
            .ToArray();

        (int, string) Shell(string s, params string[] args) =>
            DotAndCompletionTests.Shell(new Dictionary<string, string> { ["SCRIPT"] = s, ["LINE"] = line }, args);
    }

    /// <summary>Runs a program; stdout and stderr together; killed by PID after 60 s.</summary>
    private static (int ExitCode, string Output) Shell(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{string.Join(' ', args)} did not finish in 60 s");
        }

        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
