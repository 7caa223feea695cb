namespace Sharder.Grains.Supervision;

/// <summary>One placement decision: run <paramref name="ShardId"/> on <paramref name="ToSilo"/>.</summary>
/// <param name="ShardId">The shard to place.</param>
/// <param name="FromSilo">Where it ran before: an active silo (a rebalancing move), a dead or unknown silo, or null if it never ran.</param>
/// <param name="ToSilo">The active silo it should run on.</param>
internal sealed record ShardMove(int ShardId, string? FromSilo, string ToSilo);
