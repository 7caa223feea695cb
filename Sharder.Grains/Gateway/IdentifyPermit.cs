namespace Sharder.Grains.Gateway;

/// <summary>Permission for one shard to send one Identify now.</summary>
/// <param name="ShardId">The shard the permit was granted to.</param>
/// <param name="RateLimitKey">The concurrency bucket: <c>shard_id % max_concurrency</c>.</param>
/// <param name="GrantedAt">When the gate let the shard through.</param>
internal readonly record struct IdentifyPermit(int ShardId, int RateLimitKey, DateTimeOffset GrantedAt);
