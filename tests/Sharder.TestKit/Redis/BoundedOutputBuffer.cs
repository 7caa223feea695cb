using System.Text;

namespace Sharder.TestKit.Redis;

/// <summary>Keeps the most recent lines a child process printed, so failure messages can quote them.</summary>
internal sealed class BoundedOutputBuffer
{
    private const int MaxLineLength = 1_000;

    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();
    private readonly int _maxLines;
    private int _droppedLines;

    public BoundedOutputBuffer(int maxLines)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);
        _maxLines = maxLines;
    }

    public void Add(string prefix, string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Length > MaxLineLength)
        {
            line = string.Concat(line.AsSpan(0, MaxLineLength), "…");
        }

        lock (_gate)
        {
            if (_lines.Count == _maxLines)
            {
                _lines.Dequeue();
                _droppedLines++;
            }

            _lines.Enqueue(prefix + line);
        }
    }

    public string Snapshot()
    {
        lock (_gate)
        {
            if (_lines.Count == 0)
            {
                return "(no output)";
            }

            var text = new StringBuilder();
            if (_droppedLines > 0)
            {
                text.Append("(… ").Append(_droppedLines).AppendLine(" earlier lines dropped)");
            }

            foreach (var line in _lines)
            {
                text.AppendLine(line);
            }

            return text.ToString().TrimEnd();
        }
    }
}
