namespace Sharder.Grains.Coordination;

/// <summary>
/// The identify ledger of one bot, shared by every coordinator of that bot (one per cluster) through
/// Redis (<see cref="RedisIdentifyLedger"/>) and written before any slot is handed out. Plain data;
/// <see cref="IdentifyScheduler"/> holds the rules.
/// </summary>
/// <remarks>Record equality compares the lists by reference.</remarks>
internal sealed record IdentifyLedgerState
{
    /// <summary>
    /// Per rate-limit key (<c>shard_id % max_concurrency</c>, the index), the latest slot granted on it;
    /// null or missing when none was. Never mutated: replaced.
    /// </summary>
    public IReadOnlyList<DateTimeOffset?> LastSlotByKey { get; init; } = [];

    /// <summary><c>session_start_limit.total</c> from the latest <c>/gateway/bot</c>.</summary>
    public int Total { get; init; }

    /// <summary>Session starts left: Discord's figure minus <see cref="Pending"/>, lowered by every slot granted since.</summary>
    public int Remaining { get; init; }

    /// <summary>When the daily window ends and <see cref="Remaining"/> returns to <see cref="Total"/>; null while no window runs.</summary>
    public DateTimeOffset? ResetAt { get; init; }

    /// <summary><c>max_concurrency</c>: Identify calls allowed per window, one per rate-limit key. 0 until known.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>Session starts kept back: no slot is granted while <see cref="Remaining"/> is at or below it.</summary>
    public int Reserve { get; init; }

    /// <summary>Slots granted since the ledger was created.</summary>
    public long Grants { get; init; }

    /// <summary>Requests refused because the budget was spent or unknown.</summary>
    public long Refusals { get; init; }

    /// <summary>Slots a shard woke too late to use; it asked again and the new slot was not charged.</summary>
    public long Missed { get; init; }

    /// <summary>When <c>/gateway/bot</c> was last applied; null until the first time.</summary>
    public DateTimeOffset? GatewayInfoAt { get; init; }

    /// <summary>
    /// Slots granted that the latest <c>/gateway/bot</c> answer may not include: granted after it, or too
    /// close before its request to have reached Discord. The next refresh subtracts those still recent
    /// from Discord's figure and drops the rest. Never mutated: replaced.
    /// </summary>
    public IReadOnlyList<LedgerGrant> Pending { get; init; } = [];

    /// <summary>Identifies reported as having never reached READY (op 9, a close, a dropped connection).</summary>
    public long Failed { get; init; }
}
