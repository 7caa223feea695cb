namespace Sharder.Grains.Options;

/// <summary>The shards a cluster runs, from <see cref="ShardingOptions.ResolveShards"/>.</summary>
/// <param name="Total">The bot's total shard count (<c>num_shards</c> in Identify).</param>
/// <param name="ShardIds">The shard ids this cluster runs, ascending.</param>
public sealed record ShardSelection(int Total, IReadOnlyList<int> ShardIds);
