namespace Sharder.Simulator.Sessions;

/// <summary>Ring buffer of a session's most recent dispatches, used to replay on RESUME.
/// Not thread-safe: the owning session serialises access.</summary>
internal sealed class ReplayBuffer
{
    private readonly BufferedDispatch[] _items;
    private int _start;
    private int _count;

    public ReplayBuffer(int capacity) => _items = new BufferedDispatch[capacity];

    public int Count => _count;

    /// <summary>Sequence of the oldest dispatch still held, or 0 when empty.</summary>
    public long OldestSeq => _count == 0 ? 0 : _items[_start].Seq;

    public void Add(BufferedDispatch dispatch)
    {
        if (_count == _items.Length)
        {
            _items[_start] = dispatch;
            _start = (_start + 1) % _items.Length;
            return;
        }

        _items[(_start + _count) % _items.Length] = dispatch;
        _count++;
    }

    /// <summary>Copies every dispatch with <c>Seq &gt; afterSeq</c> in order. Returns false when
    /// some of them were already evicted, i.e. the client is too far behind to resume.</summary>
    public bool TryCollectAfter(long afterSeq, long lastSeq, List<BufferedDispatch> into)
    {
        if (afterSeq >= lastSeq) return true;
        if (_count == 0 || _items[_start].Seq > afterSeq + 1) return false;
        for (var i = 0; i < _count; i++)
        {
            var item = _items[(_start + i) % _items.Length];
            if (item.Seq > afterSeq) into.Add(item);
        }

        return true;
    }
}
