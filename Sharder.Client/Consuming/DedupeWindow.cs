namespace Sharder.Client.Consuming;

/// <summary>
/// Remembers the last <see cref="Capacity"/> (session, seq) pairs seen per shard, so an event delivered twice
/// (a stalled consumer taking its own reaped entries again, an entry in the list twice) is handed over once.
/// In memory and per consumer: it cannot know what another consumer (or an earlier process) handled.
/// Bounded: a duplicate older than the window passes. <see cref="Reset"/> forgets a shard: after a
/// <c>reidentified</c> marker a gateway may reuse a session id with sequences from the start, which are new
/// events. Not thread-safe.
/// </summary>
public sealed class DedupeWindow
{
    private readonly Dictionary<int, ShardWindow> _shards = [];

    /// <param name="capacity">Pairs kept per shard (at least 1).</param>
    public DedupeWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Pairs kept per shard.</summary>
    public int Capacity { get; }

    /// <summary>Records the event; false when it is in the window already (a duplicate).</summary>
    public bool TryAdd(int shard, string session, long sequence)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!_shards.TryGetValue(shard, out var window))
        {
            window = new ShardWindow();
            _shards.Add(shard, window);
        }

        var key = (session, sequence);
        if (!window.Seen.Add(key))
        {
            return false;
        }

        window.Order.Enqueue(key);
        if (window.Order.Count > Capacity)
        {
            window.Seen.Remove(window.Order.Dequeue());
        }

        return true;
    }

    /// <summary>Forgets everything seen of one shard.</summary>
    public void Reset(int shard) => _shards.Remove(shard);

    private sealed class ShardWindow
    {
        public HashSet<(string Session, long Sequence)> Seen { get; } = [];

        public Queue<(string Session, long Sequence)> Order { get; } = new();
    }
}
