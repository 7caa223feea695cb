using System.Globalization;

namespace Sharder.Client.Consuming;

/// <summary>
/// The event lists of a silo on Redis Cluster (<c>Redis:Output:KeyLayout=Cluster</c>): each shard has its own,
/// <c>{prefix}:{shard:N}:events</c>, in the slot of the hash tag <c>{shard:N}</c>. Consume each with its own
/// <see cref="ReliableConsumer"/> (its processing list, lease and consumer set share the tag, so its commands stay in
/// one slot) or <see cref="SimpleConsumer"/>; one consumer cannot pop lists of several shards at once (CROSSSLOT).
/// After a reshard (docs/resharding.md) a later generation's lists carry its total, <c>{prefix}:{shard:N/T}:events</c>:
/// name them with the overload that takes the totals, or through <see cref="Sharding.ShardingRecordReader"/>.
/// </summary>
public static class ClusterEventLists
{
    /// <summary>One list of a shard.</summary>
    /// <param name="shard">The shard id.</param>
    /// <param name="prefix">The silo's <c>Redis:Output:KeyPrefix</c> (default <c>sharder</c>).</param>
    /// <param name="list">
    /// The list's name as in the standalone layout without the prefix: <c>events</c> (Layout Single),
    /// <c>events:MESSAGE_CREATE</c> or <c>events:_lifecycle</c> (PerEventType), <c>events:3</c> (GuildPartitioned),
    /// <c>events:dead</c> (events that could not be written).
    /// </param>
    public static string ForShard(int shard, string prefix = "sharder", string list = "events")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(list);
        return $"{prefix}:{{shard:{shard.ToString(CultureInfo.InvariantCulture)}}}:{list}";
    }

    /// <summary>One list of a shard of a given generation, named as the silo names it.</summary>
    /// <param name="shard">The shard id, below <paramref name="total"/>.</param>
    /// <param name="total">The generation's shard total.</param>
    /// <param name="baseTotal">
    /// The bot's first total (<c>base_total</c> of <c>{prefix}:sharding</c>): that generation keeps the unqualified
    /// names (<c>{shard:3}</c>), every other one carries its total (<c>{shard:3/8}</c>).
    /// </param>
    /// <param name="prefix">The silo's <c>Redis:Output:KeyPrefix</c> (default <c>sharder</c>).</param>
    /// <param name="list">The list's name without the prefix, as in <see cref="ForShard(int, string, string)"/>.</param>
    public static string ForShard(int shard, int total, int baseTotal, string prefix = "sharder", string list = "events")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(baseTotal, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, total);
        if (total == baseTotal)
        {
            return ForShard(shard, prefix, list);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(list);
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}:{{shard:{shard}/{total}}}:{list}");
    }
}
