using System.Collections.Immutable;

namespace Sharder.Grains.Interfaces.Models;

/// <summary>
/// A snapshot of the identify coordinator for dashboards, health and metrics. The figures are the bot's
/// shared ledger (every cluster of the bot); <see cref="WaitingShards"/> is this cluster's.
/// </summary>
/// <param name="Total">Daily session starts allowed (<c>session_start_limit.total</c>).</param>
/// <param name="Remaining">Session starts left, after every slot granted so far.</param>
/// <param name="Reserve">Session starts kept back; nothing is granted at or below it.</param>
/// <param name="ResetAt">When the budget resets; null while no window runs.</param>
/// <param name="MaxConcurrency"><c>max_concurrency</c>; 0 until <c>/gateway/bot</c> was read.</param>
/// <param name="IsBudgetExhausted">True when requests are being refused until <paramref name="ResetAt"/>.</param>
/// <param name="WaitingShards">This cluster's shards refused and not granted since (they wait for the budget); kept in memory, so it restarts from 0 with a new activation and refills as shards ask again.</param>
/// <param name="Grants">Slots granted since the ledger was created, by every cluster of the bot.</param>
/// <param name="Refusals">Requests refused since the ledger was created.</param>
/// <param name="Missed">Slots a shard woke too late to use (it did not identify); each was granted again without a second charge.</param>
/// <param name="NextFreeSlotByKey">Per rate-limit key (the index), the earliest slot a request would get now.</param>
/// <param name="GatewayInfoAt">When <c>/gateway/bot</c> was last applied.</param>
/// <param name="UncertainGrants">Grants whose Identify was reported as never reaching READY and that no refresh has settled yet.</param>
/// <param name="FailedIdentifies">Identifies reported as never reaching READY since the ledger was created.</param>
/// <param name="PendingGrants">Grants the latest <c>/gateway/bot</c> figure may not include yet (subtracted from it).</param>
// The wire name from before the move to Interfaces.Models, so silos of both versions understand each other.
[Alias("Sharder.Grains.Coordination.IdentifyStatus")]
[GenerateSerializer]
[Immutable]
public sealed record IdentifyStatus(
    [property: Id(0)] int Total,
    [property: Id(1)] int Remaining,
    [property: Id(2)] int Reserve,
    [property: Id(3)] DateTimeOffset? ResetAt,
    [property: Id(4)] int MaxConcurrency,
    [property: Id(5)] bool IsBudgetExhausted,
    [property: Id(6)] int WaitingShards,
    [property: Id(7)] long Grants,
    [property: Id(8)] long Refusals,
    [property: Id(9)] long Missed,
    [property: Id(10)] ImmutableArray<DateTimeOffset> NextFreeSlotByKey,
    [property: Id(11)] DateTimeOffset? GatewayInfoAt,
    [property: Id(12)] int UncertainGrants,
    [property: Id(13)] long FailedIdentifies,
    [property: Id(14)] int PendingGrants);
