using System.Text;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>The last lines a child process printed, for failure messages; older lines are dropped.</summary>
internal sealed class ProcessOutputTail(int maxLines)
{
    private const int MaxLineLength = 600;

    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();
    private int _dropped;

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Length > MaxLineLength)
        {
            line = line[..MaxLineLength] + "…";
        }

        lock (_gate)
        {
            if (_lines.Count == maxLines)
            {
                _lines.Dequeue();
                _dropped++;
            }

            _lines.Enqueue(line);
        }
    }

    public bool Contains(string text)
    {
        lock (_gate)
        {
            return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            if (_dropped > 0)
            {
                text.Append("(… ").Append(_dropped).AppendLine(" earlier lines dropped)");
            }

            foreach (var line in _lines)
            {
                text.AppendLine(line);
            }

            return _lines.Count == 0 ? "(no output)" : text.ToString().TrimEnd();
        }
    }
}
