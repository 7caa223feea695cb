namespace Sharder.Grains.Diagnostics;

/// <summary>
/// Keeps a metric tag for event types bounded: the first <c>capacity</c> distinct types keep their name, every
/// later one is reported as the overflow value. A gateway (or a hostile one) inventing types cannot grow the
/// number of time series.
/// </summary>
internal sealed class EventTypeGuard
{
    private readonly int _capacity;
    private readonly string _overflow;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private volatile bool _full;

    public EventTypeGuard(int capacity, string overflow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentNullException.ThrowIfNull(overflow);
        _capacity = capacity;
        _overflow = overflow;
    }

    /// <summary>The tag to record for <paramref name="eventType"/>.</summary>
    public string Tag(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        lock (_lock)
        {
            if (_known.Contains(eventType))
            {
                return eventType;
            }

            if (_full)
            {
                return _overflow;
            }

            _known.Add(eventType);
            _full = _known.Count >= _capacity;
            return eventType;
        }
    }
}
