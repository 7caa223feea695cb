using StackExchange.Redis;

namespace Sharder.Client.Sharding;

/// <summary>
/// Reads the silo's sharding record <c>{prefix}:sharding</c> and tells a worker on the Cluster key layout
/// (<c>Redis:Output:KeyLayout=Cluster</c>, where each shard has its own lists) which generations' lists to consume:
/// the total in service, and around a resharding run the other generation too (docs/resharding.md). Call
/// <see cref="ReadAsync"/> periodically (every few seconds; the cut-over is fixed <c>Reshard:CutoverLead</c>, 3 s,
/// after the run is ready) and on a <c>resharded</c> or <c>reshard_rolled_back</c> marker. Workers on the
/// standalone layout need none of this: their lists are shared by every generation.
/// </summary>
public sealed class ShardingRecordReader
{
    private readonly IConnectionMultiplexer _redis;

    /// <param name="redis">A connection to the silo's Redis.</param>
    /// <param name="prefix">The silo's <c>Redis:Output:KeyPrefix</c> (default <c>sharder</c>).</param>
    public ShardingRecordReader(IConnectionMultiplexer redis, string prefix = "sharder")
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        _redis = redis;
        Prefix = prefix;
        Key = $"{prefix}:sharding";
    }

    /// <summary>The key prefix.</summary>
    public string Prefix { get; }

    /// <summary>The record's key, <c>{prefix}:sharding</c>.</summary>
    public string Key { get; }

    /// <summary>Reads the record once.</summary>
    /// <returns>
    /// The snapshot; null when there is no record yet (no silo of this prefix has started): then the configured total
    /// is the only generation and its lists are the unqualified ones (<see cref="Consuming.ClusterEventLists.ForShard(int, string, string)"/>).
    /// </returns>
    /// <exception cref="ShardingRecordFormatException">The key holds something the silo does not write.</exception>
    /// <exception cref="RedisException">Redis could not be reached.</exception>
    public async Task<ShardingSnapshot?> ReadAsync()
    {
        HashEntry[] entries;
        try
        {
            entries = await _redis.GetDatabase().HashGetAllAsync(Key).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
        {
            throw new ShardingRecordFormatException($"The sharding record {Key} is not a hash. It is written by the Sharder silo (docs/resharding.md); check Redis:Output:KeyPrefix and what else writes that key.", exception);
        }

        return entries.Length == 0 ? null : ShardingRecordParser.Parse(Key, Prefix, entries);
    }
}
