using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Coordination;

/// <summary>
/// The identify ledger's clock: the Redis server's <c>TIME</c> at the latest read of the ledger, advanced
/// by the time elapsed here since (monotonic). Every coordinator of the bot reads the same server, so their
/// slots are spaced on one clock whatever the silos' clocks say; the grants carry it
/// (<see cref="IdentifyGrant.IssuedAt"/>) and each shard shifts them onto its own.
/// Before the first read it is the local clock.
/// </summary>
internal sealed class LedgerClock : TimeProvider
{
    private readonly TimeProvider _local;
    private readonly Lock _lock = new();
    private DateTimeOffset? _anchor;
    private long _anchorTimestamp;

    /// <param name="local">Gives the elapsed time between reads (and the time before the first one).</param>
    public LedgerClock(TimeProvider local)
    {
        ArgumentNullException.ThrowIfNull(local);
        _local = local;
    }

    /// <summary>Whether the clock has been set from the server at least once.</summary>
    public bool IsAnchored
    {
        get
        {
            lock (_lock)
            {
                return _anchor is not null;
            }
        }
    }

    /// <summary>Sets the clock to the server's time <paramref name="serverNow"/>, read just now.</summary>
    public void Anchor(DateTimeOffset serverNow)
    {
        lock (_lock)
        {
            _anchor = serverNow;
            _anchorTimestamp = _local.GetTimestamp();
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _anchor is { } anchor ? anchor + _local.GetElapsedTime(_anchorTimestamp) : _local.GetUtcNow();
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp() => _local.GetTimestamp();

    /// <inheritdoc />
    public override long TimestampFrequency => _local.TimestampFrequency;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => _local.CreateTimer(callback, state, dueTime, period);

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => _local.LocalTimeZone;
}
