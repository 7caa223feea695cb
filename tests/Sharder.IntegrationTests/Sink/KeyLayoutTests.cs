using Sharder.Grains.Sink;

namespace Sharder.IntegrationTests.Sink;

public sealed class KeyLayoutTests
{
    [Theory]
    [InlineData(0UL, 16, 0)]
    [InlineData((1UL << 22) * 5, 16, 5)]
    [InlineData((1UL << 22) * 21, 16, 5)]
    [InlineData((1UL << 22) - 1, 16, 0)]
    [InlineData(41771983423143937UL, 7, 2)]
    public void GuildPartition_IsGuildShiftedBy22ModuloPartitions(ulong guildId, int partitions, int expected)
    {
        // Cross-check with plain division, which is what ">> 22" means for an unsigned id.
        Assert.Equal((int)(guildId / 4_194_304 % (ulong)partitions), KeyLayout.GuildPartition(guildId, partitions));
        Assert.Equal(expected, KeyLayout.GuildPartition(guildId, partitions));
    }

    [Fact]
    public void GuildPartition_WithoutGuild_IsZero()
        => Assert.Equal(0, KeyLayout.GuildPartition(null, 16));

    [Fact]
    public void Single_EveryEventAndMarkerOnOneList()
    {
        var layout = new KeyLayout(RedisOutputFormat.Envelope, EventListLayout.Single, 16);

        Assert.Equal("events", layout.EventKey("MESSAGE_CREATE", 1));
        Assert.Equal("events", layout.EventKey("PRESENCE_UPDATE", null));
        Assert.Equal(["events"], layout.MarkerLists);
    }

    [Fact]
    public void PerEventType_ListPerTypeAndLifecycleList()
    {
        var layout = new KeyLayout(RedisOutputFormat.Envelope, EventListLayout.PerEventType, 16);

        Assert.Equal("events:MESSAGE_CREATE", layout.EventKey("MESSAGE_CREATE", 1));
        Assert.Equal("events:GUILD_CREATE", layout.EventKey("GUILD_CREATE", null));
        Assert.Equal(["events:_lifecycle"], layout.MarkerLists);
    }

    [Fact]
    public void GuildPartitioned_PartitionListsAndMarkersOnAll()
    {
        var layout = new KeyLayout(RedisOutputFormat.Envelope, EventListLayout.GuildPartitioned, 3);

        Assert.Equal("events:2", layout.EventKey("MESSAGE_CREATE", (1UL << 22) * 5));
        Assert.Equal("events:0", layout.EventKey("MESSAGE_CREATE", null));
        Assert.Equal(["events:0", "events:1", "events:2"], layout.MarkerLists);
    }

    [Fact]
    public void SharderBinary_FromListAndNoMarkers()
    {
        var layout = new KeyLayout(RedisOutputFormat.SharderBinary, EventListLayout.Single, 16);

        Assert.Equal("from", layout.EventKey("MESSAGE_CREATE", 5));
        Assert.Empty(layout.MarkerLists);
    }

    [Fact]
    public void CheckpointKey_NamesTheShard()
        => Assert.Equal("shard:258:checkpoint", KeyLayout.CheckpointKey(258));
}
