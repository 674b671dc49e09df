using System.CommandLine;

namespace SyfalaGraph.Cli.Commands;

/// <summary>
/// <c>syfala-graph completion bash|zsh|fish</c>: a shell completion script. The script asks the CLI itself at each
/// TAB through System.CommandLine's <c>[suggest:POSITION]</c> directive (the mechanism <c>dotnet-suggest</c> uses),
/// so commands contributed by plugins, options and their accepted values (<c>--log-level</c> levels) are completed
/// from the same parser that runs them and can never be out of date; where the CLI suggests nothing (a graph file
/// argument), the shell completes file names. Install: <c>source &lt;(syfala-graph completion bash)</c> in
/// <c>~/.bashrc</c>; <c>syfala-graph completion zsh &gt; "${fpath[1]}/_syfala-graph"</c>;
/// <c>syfala-graph completion fish &gt; ~/.config/fish/completions/syfala-graph.fish</c>.
/// </summary>
internal static class CompletionCommand
{
    /// <summary>The shells a script is written for.</summary>
    public static readonly string[] Shells = ["bash", "zsh", "fish"];

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong(Shells);
        var command = new Command("completion", "Print a shell completion script (bash, zsh or fish); see the README for where it goes") { shell };
        command.SetAction(parse =>
        {
            Console.Write(Script(parse.GetValue(shell)!));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The completion script for <paramref name="shell"/> (one of <see cref="Shells"/>).</summary>
    public static string Script(string shell) => shell switch
    {
        // The line after the command word, and the cursor within it, are what [suggest:N] takes. Suggestions that
        // start with '/' are the Windows spellings of the help option.
        "bash" => """
            # syfala-graph completion for bash: source <(syfala-graph completion bash)
            _syfala_graph() {
                local line="${COMP_LINE:0:COMP_POINT}"
                line="${line#"${COMP_WORDS[0]}"}"
                line="${line# }"
                local IFS=$'\n'
                COMPREPLY=($("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null | grep -v '^/'))
            }
            complete -o bashdefault -o default -F _syfala_graph syfala-graph

            """,
        "zsh" => """
            #compdef syfala-graph
            # syfala-graph completion for zsh: syfala-graph completion zsh > "${fpath[1]}/_syfala-graph"
            _syfala_graph() {
                local line="${(j: :)${(@)words[2,CURRENT]}}"
                local -a suggestions
                suggestions=(${(f)"$("$words[1]" "[suggest:${#line}]" "$line" 2>/dev/null)"})
                suggestions=(${suggestions:#/*})
                if (( ${#suggestions} )); then
                    compadd -a suggestions
                else
                    _files
                fi
            }
            compdef _syfala_graph syfala-graph

            """,
        "fish" => """
            # syfala-graph completion for fish: syfala-graph completion fish > ~/.config/fish/completions/syfala-graph.fish
            function __syfala_graph_complete
                set -l words (commandline -opc)
                set -l line (string join ' ' -- $words[2..-1] (commandline -ct))
                $words[1] "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null | string match -v -r '^/'
            end
            complete -c syfala-graph -a '(__syfala_graph_complete)'

            """,
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "bash, zsh or fish"),
    };
}
