namespace Sharder.Grains.Gateway;

/// <summary>
/// Permission for one shard to send one Identify, from <see cref="SlotAt"/> until <see cref="UseBy"/>. A shard
/// that cannot put it on the socket in time (a starved thread pool, a GC pause, a frozen process) must not
/// send late, which would crowd the next slot on its key: it asks the gate again, handing this permit back.
/// </summary>
/// <param name="ShardId">The shard the permit was granted to.</param>
/// <param name="RateLimitKey">The concurrency bucket: <c>shard_id % max_concurrency</c>.</param>
/// <param name="SlotAt">The start of the slot the permit is for.</param>
/// <param name="UseBy">The latest time the Identify may be handed to the socket.</param>
internal readonly record struct IdentifyPermit(int ShardId, int RateLimitKey, DateTimeOffset SlotAt, DateTimeOffset UseBy);
