using Sharder.Client.Consuming;

namespace Sharder.Client.Sharding;

/// <summary>
/// One generation of the bot's shards (a shard total) whose event lists a worker on the Cluster key layout
/// (<c>Redis:Output:KeyLayout=Cluster</c>) should consume, and why (<see cref="Use"/>). From
/// <see cref="ShardingRecordReader.ReadAsync"/>.
/// </summary>
public sealed class ShardGeneration
{
    internal ShardGeneration(int total, int baseTotal, GenerationUse use, string prefix)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(baseTotal, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        Total = total;
        BaseTotal = baseTotal;
        Use = use;
        Prefix = prefix;
    }

    /// <summary>The generation's shard total.</summary>
    public int Total { get; }

    /// <summary>The bot's first total: the generation with this total keeps unqualified key names.</summary>
    public int BaseTotal { get; }

    /// <summary>Why a worker consumes this generation's lists.</summary>
    public GenerationUse Use { get; }

    /// <summary>The silo's key prefix the record was read under.</summary>
    public string Prefix { get; }

    /// <summary>Whether the keys carry no total (<c>{shard:3}</c>, the first generation) rather than <c>{shard:3/8}</c>.</summary>
    public bool HasUnqualifiedKeys => Total == BaseTotal;

    /// <summary>One list of one shard of this generation (<see cref="ClusterEventLists.ForShard(int, int, int, string, string)"/>).</summary>
    /// <param name="shard">The shard id, below <see cref="Total"/>.</param>
    /// <param name="list">The list's name without the prefix: <c>events</c>, <c>events:MESSAGE_CREATE</c>, <c>events:3</c>…</param>
    public string EventList(int shard, string list = "events") => ClusterEventLists.ForShard(shard, Total, BaseTotal, Prefix, list);

    /// <summary>The same list of every shard of this generation, by shard id.</summary>
    /// <param name="list">The list's name without the prefix.</param>
    public IReadOnlyList<string> EventLists(string list = "events")
        => [.. Enumerable.Range(0, Total).Select(shard => EventList(shard, list))];

    /// <inheritdoc/>
    public override string ToString() => $"{Total} shards ({Use})";
}
