namespace Sharder.Simulator.Gateway;

/// <summary>Sliding window of client payloads per connection; remembers the peak.</summary>
internal sealed class CommandWindow(TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _stamps = new();

    public int Peak { get; private set; }

    /// <summary>Counts one payload; returns the number of payloads inside the window, this one included.</summary>
    public int Count(DateTimeOffset now)
    {
        while (_stamps.Count > 0 && now - _stamps.Peek() >= window) _stamps.Dequeue();
        _stamps.Enqueue(now);
        if (_stamps.Count > Peak) Peak = _stamps.Count;
        return _stamps.Count;
    }
}
