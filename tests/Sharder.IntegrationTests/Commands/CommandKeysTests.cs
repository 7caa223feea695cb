using System.Text;
using Sharder.Grains.Commands;

namespace Sharder.IntegrationTests.Commands;

public sealed class CommandKeysTests
{
    private readonly CommandKeys _keys = new("sharder");

    [Fact]
    public void Names_MatchSharderBinaryAndTheGuildRoutedList()
    {
        Assert.Equal("sharder:to:3", _keys.ForShard(3));
        Assert.Equal("sharder:commands", _keys.GuildRouted);
        Assert.Equal("sharder:commands", Encoding.UTF8.GetString(_keys.GuildRoutedBytes.Span));
    }

    [Theory]
    [InlineData("sharder:to:0", 0)]
    [InlineData("sharder:to:258", 258)]
    public void TryParseShard_ShardLists(string key, int expected)
    {
        Assert.True(_keys.TryParseShard(Encoding.UTF8.GetBytes(key), out int shardId));
        Assert.Equal(expected, shardId);
    }

    [Theory]
    [InlineData("sharder:to:")]
    [InlineData("sharder:to:3x")]
    [InlineData("sharder:to:-1")]
    [InlineData("sharder:to:+1")]
    [InlineData("sharder:to:99999999999")]
    [InlineData("other:to:3")]
    [InlineData("sharder:commands")]
    public void TryParseShard_OtherKeys(string key)
        => Assert.False(_keys.TryParseShard(Encoding.UTF8.GetBytes(key), out _));
}
