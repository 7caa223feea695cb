namespace Sharder.Simulator.Gateway;

/// <summary>Bounded, thread-safe record of the most recent frames of one connection.</summary>
internal sealed class Transcript(int depth)
{
    private readonly Queue<TranscriptEntry> _entries = new();

    public void Add(TranscriptEntry entry)
    {
        if (depth <= 0) return;
        lock (_entries)
        {
            if (_entries.Count == depth) _entries.Dequeue();
            _entries.Enqueue(entry);
        }
    }

    public IReadOnlyList<TranscriptEntry> Snapshot()
    {
        lock (_entries) return [.. _entries];
    }
}
