using Sharder.Client.Consuming;
using Sharder.Grains.Resharding;
using Sharder.Grains.Sink;

namespace Sharder.Client.Tests;

/// <summary>
/// <see cref="ClusterEventLists.ForShard(int, int, int, string, string)"/> names exactly the lists the silo writes for a
/// shard of a generation: pinned against the silo's own key function (<see cref="KeyLayout.For"/> with the qualifier
/// <see cref="ShardingRecord.KeyTotalOf"/> gives).
/// </summary>
public sealed class ClusterEventListsGenerationTests
{
    private const string Prefix = "bot7";

    public static TheoryData<int, int, int> Generations => new()
    {
        // shard, total, base total
        { 0, 4, 4 },
        { 3, 4, 4 },
        { 0, 8, 4 },
        { 7, 8, 4 },
        { 3, 4, 8 },
        { 15, 16, 4 },
        { 0, 1, 2 },
    };

    [Theory]
    [MemberData(nameof(Generations))]
    public void The_single_list_and_the_dead_list_match_the_silos_keys(int shard, int total, int baseTotal)
    {
        var silo = SiloKeys(EventListLayout.Single, shard, total, baseTotal);

        Assert.Equal(Prefix + ":" + silo.EventKey("MESSAGE_CREATE", 123UL << 22), ClusterEventLists.ForShard(shard, total, baseTotal, Prefix));
        Assert.Equal(Prefix + ":" + silo.DeadList, ClusterEventLists.ForShard(shard, total, baseTotal, Prefix, "events:dead"));
    }

    [Theory]
    [MemberData(nameof(Generations))]
    public void Per_event_type_lists_and_the_lifecycle_list_match_the_silos_keys(int shard, int total, int baseTotal)
    {
        var silo = SiloKeys(EventListLayout.PerEventType, shard, total, baseTotal);

        foreach (var type in new[] { "MESSAGE_CREATE", "GUILD_CREATE", "PRESENCE_UPDATE" })
        {
            Assert.Equal(Prefix + ":" + silo.EventKey(type, null), ClusterEventLists.ForShard(shard, total, baseTotal, Prefix, $"events:{type}"));
        }

        Assert.Equal(Prefix + ":" + Assert.Single(silo.MarkerLists), ClusterEventLists.ForShard(shard, total, baseTotal, Prefix, "events:_lifecycle"));
    }

    [Theory]
    [MemberData(nameof(Generations))]
    public void Guild_partition_lists_match_the_silos_keys(int shard, int total, int baseTotal)
    {
        const int partitions = 4;
        var silo = SiloKeys(EventListLayout.GuildPartitioned, shard, total, baseTotal, partitions);

        for (ulong guild = 0; guild < partitions; guild++)
        {
            var list = $"events:{KeyLayout.GuildPartition(guild << 22, partitions)}";
            Assert.Equal(Prefix + ":" + silo.EventKey("MESSAGE_CREATE", guild << 22), ClusterEventLists.ForShard(shard, total, baseTotal, Prefix, list));
        }

        Assert.Equal(
            silo.MarkerLists.Select(list => Prefix + ":" + list),
            Enumerable.Range(0, partitions).Select(p => ClusterEventLists.ForShard(shard, total, baseTotal, Prefix, $"events:{p}")));
    }

    [Fact]
    public void The_first_generation_keeps_the_names_of_the_overload_without_totals()
    {
        Assert.Equal(ClusterEventLists.ForShard(3, Prefix), ClusterEventLists.ForShard(3, 4, 4, Prefix));
        Assert.Equal($"{Prefix}:{{shard:3}}:events", ClusterEventLists.ForShard(3, 4, 4, Prefix));
        Assert.Equal($"{Prefix}:{{shard:3/8}}:events", ClusterEventLists.ForShard(3, 8, 4, Prefix));
        Assert.Equal("sharder:{shard:3/8}:events:MESSAGE_CREATE", ClusterEventLists.ForShard(3, 8, 4, list: "events:MESSAGE_CREATE"));
    }

    [Theory]
    [InlineData(-1, 4, 4)]
    [InlineData(4, 4, 4)]
    [InlineData(8, 8, 4)]
    [InlineData(0, 0, 4)]
    [InlineData(0, 4, 0)]
    public void A_shard_outside_its_generation_or_a_total_below_one_is_refused(int shard, int total, int baseTotal)
        => Assert.Throws<ArgumentOutOfRangeException>(() => ClusterEventLists.ForShard(shard, total, baseTotal, Prefix));

    private static ShardKeys SiloKeys(EventListLayout layout, int shard, int total, int baseTotal, int partitions = 1)
    {
        int keyTotal = new ShardingRecord(total, baseTotal, null).KeyTotalOf(total);
        return new KeyLayout(RedisOutputFormat.Envelope, layout, partitions, RedisKeyLayout.Cluster).For(shard, keyTotal);
    }
}
