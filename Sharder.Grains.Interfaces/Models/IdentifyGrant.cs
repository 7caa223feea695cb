namespace Sharder.Grains.Interfaces.Models;

/// <summary>
/// The coordinator's answer to one identify request: either a slot (an absolute time at which the shard
/// may send Identify; it waits for it locally) or a refusal with the time to ask again. Never a wait.
/// </summary>
// The wire name from before the move to Interfaces.Models, so silos of both versions understand each other.
[Alias("Sharder.Grains.Coordination.IdentifyGrant")]
[GenerateSerializer]
[Immutable]
public sealed record IdentifyGrant
{
    private IdentifyGrant()
    {
    }

    /// <summary>The shard that asked.</summary>
    [Id(0)]
    public int ShardId { get; private init; }

    /// <summary><c>shard_id % max_concurrency</c>; null when <c>max_concurrency</c> is not known yet.</summary>
    [Id(1)]
    public int? RateLimitKey { get; private init; }

    /// <summary>When granted: the earliest time (UTC, not before the request) the shard may send Identify.</summary>
    [Id(2)]
    public DateTimeOffset? SlotAt { get; private init; }

    /// <summary>When refused: when asking again can succeed.</summary>
    [Id(3)]
    public DateTimeOffset? RetryAt { get; private init; }

    /// <summary>Why the request was refused; <see cref="IdentifyRefusalReason.None"/> when granted.</summary>
    [Id(4)]
    public IdentifyRefusalReason Reason { get; private init; }

    /// <summary>
    /// When granted: the latest time the shard may still send Identify on this slot. A shard that wakes
    /// later does not send; it asks again, naming the missed slot.
    /// </summary>
    [Id(5)]
    public DateTimeOffset? UseBy { get; private init; }

    /// <summary>
    /// The coordinator's clock when it decided. Every time in this answer is on that clock; a shard on another
    /// machine shifts them by (its clock at receipt − this), so clock skew between silos neither makes it
    /// identify early nor makes every permit look expired.
    /// </summary>
    [Id(6)]
    public DateTimeOffset IssuedAt { get; private init; }

    /// <summary>
    /// How long the request waited inside the coordinator before it was decided (a duration, so no clock skew in it).
    /// Requests are answered in group commits; without this a shard would count that wait as network time and
    /// allow itself that much less of the grace.
    /// </summary>
    [Id(7)]
    public TimeSpan Waited { get; init; }

    /// <summary>True when <see cref="SlotAt"/> holds a slot.</summary>
    public bool IsGranted => SlotAt is not null;

    /// <summary>A reserved slot, to be used between <paramref name="slotAt"/> and <paramref name="useBy"/>; the session start is already charged.</summary>
    public static IdentifyGrant Granted(int shardId, int rateLimitKey, DateTimeOffset slotAt, DateTimeOffset useBy, DateTimeOffset issuedAt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(useBy, slotAt);
        return new() { ShardId = shardId, RateLimitKey = rateLimitKey, SlotAt = slotAt, UseBy = useBy, IssuedAt = issuedAt };
    }

    /// <summary>A refusal; nothing is charged.</summary>
    public static IdentifyGrant Refused(int shardId, int? rateLimitKey, DateTimeOffset retryAt, IdentifyRefusalReason reason, DateTimeOffset issuedAt)
    {
        if (reason == IdentifyRefusalReason.None)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "A refusal needs a reason.");
        }

        return new() { ShardId = shardId, RateLimitKey = rateLimitKey, RetryAt = retryAt, Reason = reason, IssuedAt = issuedAt };
    }
}
