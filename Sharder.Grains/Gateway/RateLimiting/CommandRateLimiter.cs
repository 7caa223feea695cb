namespace Sharder.Grains.Gateway.RateLimiting;

/// <summary>
/// Keeps one connection under Discord's command limit (120 payloads per sliding 60 s, heartbeats
/// included). Heartbeats, Identify and Resume bypass the limiter but are recorded with
/// <see cref="RecordPriority"/>; ordinary commands use <see cref="TryAcquire"/> or <see cref="WaitAsync"/>
/// and may only use what is left after <see cref="ReservedPermits"/> slots are kept for the priority sends.
/// </summary>
/// <remarks>
/// A send at time e counts at time t while t − e &lt; window. An ordinary command is allowed when
/// <c>commands + max(prioritySends, reserved) &lt; limit</c>, so as long as priority sends stay within the
/// reservation (heartbeats on schedule plus one Identify or Resume), no window ever holds more than
/// the limit. Create one limiter per connection, after Hello. Thread-safe; waiters are not served in order.
/// </remarks>
internal sealed class CommandRateLimiter
{
    /// <summary>Discord's documented limit per connection.</summary>
    internal const int DefaultCommandsPerWindow = 120;

    /// <summary>Discord's documented window.</summary>
    internal static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly long _windowTicks;
    private readonly int _limit;
    private readonly TimestampWindow _commands;
    private readonly TimestampWindow _prioritySends;

    /// <param name="timeProvider">Clock for the window and for waiting.</param>
    /// <param name="heartbeatInterval">The interval from Hello; it sizes the heartbeat reservation.</param>
    /// <param name="commandsPerWindow">Payloads allowed per window, heartbeats included.</param>
    /// <param name="window">Length of the sliding window; <see cref="DefaultWindow"/> when null.</param>
    public CommandRateLimiter(
        TimeProvider timeProvider,
        TimeSpan heartbeatInterval,
        int commandsPerWindow = DefaultCommandsPerWindow,
        TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heartbeatInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(commandsPerWindow, 2);
        var windowLength = window ?? DefaultWindow;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(windowLength, TimeSpan.Zero);

        _timeProvider = timeProvider;
        _limit = commandsPerWindow;
        _windowTicks = (long)(windowLength.TotalSeconds * timeProvider.TimestampFrequency);
        ReservedPermits = ComputeReserved(heartbeatInterval, windowLength, commandsPerWindow);
        _commands = new TimestampWindow(commandsPerWindow);
        _prioritySends = new TimestampWindow(commandsPerWindow);
    }

    /// <summary>
    /// Slots kept for priority sends: <c>ceil(window / heartbeatInterval) + 1</c> (the +1 is the Identify
    /// or Resume), at most limit − 1 so ordinary commands are never starved completely.
    /// </summary>
    public int ReservedPermits { get; }

    /// <summary>Takes a permit for an ordinary command if one is free now.</summary>
    /// <param name="retryAfter">Zero on success; otherwise how long until a permit frees up, absent new sends.</param>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            Prune(now);
            if (_commands.Count + Math.Max(_prioritySends.Count, ReservedPermits) < _limit)
            {
                _commands.Add(now);
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = ComputeRetryAfter(now);
            return false;
        }
    }

    /// <summary>Records a heartbeat, Identify or Resume that was sent without asking for a permit.</summary>
    public void RecordPriority()
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            Prune(now);
            _prioritySends.Add(now);
        }
    }

    /// <summary>Waits until a permit for an ordinary command is free, then takes it.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (!TryAcquire(out var retryAfter))
        {
            await Task.Delay(retryAfter, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int ComputeReserved(TimeSpan heartbeatInterval, TimeSpan window, int limit)
    {
        var heartbeatsPerWindow = Math.Ceiling(window / heartbeatInterval);
        var reserved = heartbeatsPerWindow + 1;
        return (int)Math.Min(reserved, limit - 1);
    }

    private void Prune(long now)
    {
        _commands.RemoveOlderThan(now - _windowTicks);
        _prioritySends.RemoveOlderThan(now - _windowTicks);
    }

    /// <summary>Walks the pending expiries, oldest first, until an ordinary command would fit.</summary>
    private TimeSpan ComputeRetryAfter(long now)
    {
        var commands = _commands.Count;
        var priority = _prioritySends.Count;
        int commandIndex = 0;
        int priorityIndex = 0;
        while (commands > 0 || priority > 0)
        {
            long expiresAt;
            var takeCommand = priority == 0
                || (commands > 0 && _commands[commandIndex] <= _prioritySends[priorityIndex]);
            if (takeCommand)
            {
                expiresAt = _commands[commandIndex++] + _windowTicks;
                commands--;
            }
            else
            {
                expiresAt = _prioritySends[priorityIndex++] + _windowTicks;
                priority--;
            }

            if (commands + Math.Max(priority, ReservedPermits) < _limit)
            {
                return _timeProvider.GetElapsedTime(now, expiresAt);
            }
        }

        return TimeSpan.Zero;
    }

    /// <summary>Timestamps in send order in a fixed ring; when full, the oldest is dropped.</summary>
    private sealed class TimestampWindow(int capacity)
    {
        private readonly long[] _timestamps = new long[capacity];
        private int _start;

        public int Count { get; private set; }

        public long this[int index] => _timestamps[(_start + index) % _timestamps.Length];

        public void Add(long timestamp)
        {
            if (Count == _timestamps.Length)
            {
                _start = (_start + 1) % _timestamps.Length;
                Count--;
            }

            _timestamps[(_start + Count) % _timestamps.Length] = timestamp;
            Count++;
        }

        public void RemoveOlderThan(long cutoff)
        {
            // An entry at e still counts while now − e < window, i.e. while e > now − window.
            while (Count > 0 && _timestamps[_start] <= cutoff)
            {
                _start = (_start + 1) % _timestamps.Length;
                Count--;
            }
        }
    }
}
