namespace Sharder.Simulator.Apps;

/// <summary>
/// Identify concurrency per <c>shard_id % max_concurrency</c> per window and the daily
/// session-start budget whose window starts at the first identify (R-6.2, twilight's queue model).
/// </summary>
internal sealed class IdentifyLimiter
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<int, DateTimeOffset> _lastAcceptedByKey = [];
    private readonly HashSet<(int NumShards, int ShardId)> _identifiedShards = [];
    private DateTimeOffset? _windowStart;
    private int _used;

    public IdentifyLimiter(TimeProvider time, int maxConcurrency, int identifyWindowMs, int dailyTotal, long dailyWindowMs)
    {
        _time = time;
        MaxConcurrency = maxConcurrency;
        IdentifyWindow = TimeSpan.FromMilliseconds(identifyWindowMs);
        DailyTotal = dailyTotal;
        DailyWindow = TimeSpan.FromMilliseconds(dailyWindowMs);
    }

    public int MaxConcurrency { get; }
    public TimeSpan IdentifyWindow { get; }
    public int DailyTotal { get; private set; }
    public TimeSpan DailyWindow { get; }

    /// <summary>Identifies of bucket k+1 seen before every shard of bucket k identified (recorded, not enforced).</summary>
    public int BucketOrderViolations { get; private set; }

    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                RollWindowLocked();
                return Math.Max(0, DailyTotal - _used);
            }
        }
    }

    /// <summary>Milliseconds left in the budget window; 0 when nothing has been used.</summary>
    public long ResetAfterMs
    {
        get
        {
            lock (_gate)
            {
                RollWindowLocked();
                if (_windowStart is not { } start) return 0;
                return Math.Max(0, (long)(start + DailyWindow - _time.GetUtcNow()).TotalMilliseconds);
            }
        }
    }

    public IdentifyDecision TryIdentify(int shardId, int numShards, out int rateLimitKey, out TimeSpan gapSinceLast)
    {
        rateLimitKey = shardId % MaxConcurrency;
        gapSinceLast = TimeSpan.MaxValue;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_lastAcceptedByKey.TryGetValue(rateLimitKey, out var last))
            {
                gapSinceLast = now - last;
                if (gapSinceLast < IdentifyWindow) return IdentifyDecision.ConcurrencyViolation;
            }

            RollWindowLocked();
            if (_used + 1 > DailyTotal) return IdentifyDecision.BudgetExhausted;

            _windowStart ??= now;
            _used++;
            _lastAcceptedByKey[rateLimitKey] = now;
            CheckBucketOrderLocked(shardId, numShards);
            return IdentifyDecision.Accepted;
        }
    }

    /// <summary>A regenerated token starts with a fresh budget.</summary>
    public void ResetBudget(int? newTotal = null)
    {
        lock (_gate)
        {
            _used = 0;
            _windowStart = null;
            if (newTotal is { } total) DailyTotal = total;
        }
    }

    private void RollWindowLocked()
    {
        if (_windowStart is { } start && _time.GetUtcNow() - start >= DailyWindow)
        {
            _windowStart = null;
            _used = 0;
        }
    }

    private void CheckBucketOrderLocked(int shardId, int numShards)
    {
        var bucket = shardId / MaxConcurrency;
        if (bucket > 0)
        {
            var previousStart = (bucket - 1) * MaxConcurrency;
            var previousEnd = Math.Min(numShards, bucket * MaxConcurrency);
            for (var s = previousStart; s < previousEnd; s++)
            {
                if (!_identifiedShards.Contains((numShards, s)))
                {
                    BucketOrderViolations++;
                    break;
                }
            }
        }

        _identifiedShards.Add((numShards, shardId));
    }
}
