using System.Globalization;

namespace Sharder.Client.Consuming;

/// <summary>
/// The event lists of a silo on Redis Cluster (<c>Redis:Output:KeyLayout=Cluster</c>): each shard has its own,
/// <c>{prefix}:{shard:N}:events</c>, in the slot of the hash tag <c>{shard:N}</c>. Consume each with its own
/// <see cref="ReliableConsumer"/> (its processing list, lease and consumer set share the tag, so its commands stay in
/// one slot) or <see cref="SimpleConsumer"/>; one consumer cannot pop lists of several shards at once (CROSSSLOT).
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
}
