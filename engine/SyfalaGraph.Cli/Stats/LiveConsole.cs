using System.Text;

namespace SyfalaGraph.Cli.Stats;

/// <summary>
/// The terminal side of <c>run --stats</c>: a frame of lines redrawn in place (cursor up, clear to the end of the
/// screen: ANSI/VT100 <c>CSI n F</c> and <c>CSI J</c>), like <c>pw-top</c>, while the log keeps writing to the same
/// terminal. Installed as <see cref="Console.Error"/> before the logger is created, it sees every other write: it
/// erases the frame, lets the line through, and draws the frame again under it, so no log line is overwritten (the way
/// cargo and indicatif keep their progress bars below the log). Any thread; one lock.
/// </summary>
internal sealed class LiveConsole : TextWriter
{
    private readonly TextWriter _terminal;
    private readonly Lock _gate = new();
    private IReadOnlyList<string> _frame = [];
    private int _shown; // lines of the frame now on screen
    private bool _midLine; // a foreign write left the cursor inside a line: the frame waits for its end

    /// <summary>Wraps <paramref name="terminal"/> (the process's real stderr).</summary>
    public LiveConsole(TextWriter terminal) => _terminal = terminal;

    /// <inheritdoc />
    public override Encoding Encoding => _terminal.Encoding;

    /// <summary>Replaces the frame on screen with <paramref name="lines"/>.</summary>
    public void Show(IReadOnlyList<string> lines)
    {
        lock (_gate)
        {
            Erase();
            // A line longer than the terminal wraps onto more rows than the cursor-up count: cut it to the width.
            int width = Width();
            _frame = lines.Select(l => l.Length < width ? l : l[..(width - 1)]).ToList();
            Draw();
            _terminal.Flush();
        }
    }

    /// <summary>Leaves the frame on screen as ordinary lines and stops redrawing it (at the end of the run: the last figures stay, the final report follows).</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _frame = [];
            _shown = 0;
            _terminal.Flush();
        }
    }

    /// <inheritdoc />
    public override void Write(char value) => Write(value.ToString());

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_gate)
        {
            Erase();
            _terminal.Write(value);
            _midLine = value[^1] != '\n';
            Draw();
            _terminal.Flush();
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (_gate)
        {
            _terminal.Flush();
        }
    }

    private static int Width()
    {
        try
        {
            return Console.WindowWidth is int w and > 20 ? w : 200;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 200;
        }
    }

    private void Erase()
    {
        if (_shown > 0)
        {
            _terminal.Write($"\u001b[{_shown}F\u001b[J");
            _shown = 0;
        }
    }

    private void Draw()
    {
        if (_midLine)
        {
            return;
        }

        foreach (string line in _frame)
        {
            _terminal.Write(line);
            _terminal.Write('\n');
        }

        _shown = _frame.Count;
    }
}
