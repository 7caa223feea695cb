namespace Sharder.Grains.Coordination;

/// <summary>
/// The identify coordinator's bookkeeping, persisted through grain storage before any slot is handed
/// out. Plain data; <see cref="IdentifyScheduler"/> holds the rules.
/// </summary>
/// <remarks>Record equality compares <see cref="LastSlotByKey"/> by reference.</remarks>
[GenerateSerializer]
internal sealed record IdentifyLedgerState
{
    /// <summary>
    /// Per rate-limit key (<c>shard_id % max_concurrency</c>, the index), the latest slot granted on it;
    /// null or missing when none was. A plain list because grain storage's Newtonsoft settings
    /// (reference preservation) cannot read immutable dictionaries back. Never mutated: replaced.
    /// </summary>
    [Id(0)]
    public IReadOnlyList<DateTimeOffset?> LastSlotByKey { get; init; } = [];

    /// <summary><c>session_start_limit.total</c> from the latest <c>/gateway/bot</c>.</summary>
    [Id(1)]
    public int Total { get; init; }

    /// <summary>Session starts left: Discord's figure, lowered by every slot granted since.</summary>
    [Id(2)]
    public int Remaining { get; init; }

    /// <summary>When the daily window ends and <see cref="Remaining"/> returns to <see cref="Total"/>; null while no window runs.</summary>
    [Id(3)]
    public DateTimeOffset? ResetAt { get; init; }

    /// <summary><c>max_concurrency</c>: Identify calls allowed per window, one per rate-limit key. 0 until known.</summary>
    [Id(4)]
    public int MaxConcurrency { get; init; }

    /// <summary>Session starts kept back: no slot is granted while <see cref="Remaining"/> is at or below it.</summary>
    [Id(5)]
    public int Reserve { get; init; }

    /// <summary>Slots granted since the ledger was created.</summary>
    [Id(6)]
    public long Grants { get; init; }

    /// <summary>Requests refused because the budget was spent or unknown.</summary>
    [Id(7)]
    public long Refusals { get; init; }

    /// <summary>Slots a shard woke too late to use; it asked again and the new slot was not charged.</summary>
    [Id(8)]
    public long Missed { get; init; }

    /// <summary>When <c>/gateway/bot</c> was last applied; null until the first time.</summary>
    [Id(9)]
    public DateTimeOffset? GatewayInfoAt { get; init; }
}
