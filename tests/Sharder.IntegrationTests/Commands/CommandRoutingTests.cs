using System.Text;
using Sharder.Grains.Commands;

namespace Sharder.IntegrationTests.Commands;

public sealed class CommandRoutingTests
{
    [Theory]
    [InlineData(41771983423143937UL, 1)]
    [InlineData(41771983423143937UL, 16)]
    [InlineData(0UL, 5)]
    [InlineData(ulong.MaxValue, 1000)]
    public void ShardForGuild_IsDiscordsFormula(ulong guildId, int shardCount)
    {
        // (guild_id >> 22) % shard_count, written as division to cross-check the shift.
        int expected = (int)(guildId / 4_194_304 % (ulong)shardCount);

        Assert.Equal(expected, CommandRouting.ShardForGuild(guildId, shardCount));
    }

    [Fact]
    public void ShardForGuild_ZeroShards_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => CommandRouting.ShardForGuild(1, 0));

    [Theory]
    [InlineData("""{"op":4,"d":{"guild_id":"41771983423143937","channel_id":null}}""", 41771983423143937UL)]
    [InlineData("""{"op":8,"d":{"query":"","guild_id":41771983423143937,"limit":0}}""", 41771983423143937UL)]
    [InlineData("""{"d":{"nested":{"guild_id":"1"},"list":[{"guild_id":"2"}],"guild_id":"3"},"op":4}""", 3UL)]
    [InlineData("""{"op":4,"s":null,"t":{"guild_id":"9"},"d":{"guild_id":"\u0035"}}""", 5UL)]
    [InlineData(" \n{ \"d\" : { \"guild_id\" : \"12\" } }", 12UL)]
    public void TryReadGuildId_FindsDGuildId(string payload, ulong expected)
    {
        Assert.True(CommandRouting.TryReadGuildId(Encoding.UTF8.GetBytes(payload), out ulong guildId));
        Assert.Equal(expected, guildId);
    }

    [Theory]
    [InlineData("""{"op":4,"d":{"channel_id":"1"}}""")]
    [InlineData("""{"op":4,"guild_id":"1","d":{}}""")]
    [InlineData("""{"op":4,"d":null}""")]
    [InlineData("""{"op":4,"d":{"guild_id":null}}""")]
    [InlineData("""{"op":4,"d":{"guild_id":"-1"}}""")]
    [InlineData("""{"op":4,"d":{"guild_id":"12a"}}""")]
    [InlineData("""{"op":4,"d":{"guild_id":""}}""")]
    [InlineData("""{"op":4,"d":{"guild_id":1.5}}""")]
    [InlineData("""{"op":4,"d":{"guild_id":"\ud800"}}""")]
    [InlineData("""{"op":4,"d":{"guild_id":"\u0031\udc00"}}""")]
    [InlineData("""[{"d":{"guild_id":"1"}}]""")]
    [InlineData("{\"op\":4,\"d\":{\"guild_id\":\"1\"")]
    [InlineData("""{"op":4,"d":{"guild_id":"1"}} trailing""")]
    [InlineData("""{"op":4,"d":{"guild_id":"1","x":[}}""")]
    [InlineData("not json")]
    [InlineData("")]
    public void TryReadGuildId_RejectsPayloadsWithoutAUsableGuildId(string payload)
        => Assert.False(CommandRouting.TryReadGuildId(Encoding.UTF8.GetBytes(payload), out _));
}
