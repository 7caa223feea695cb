using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Redis;

[Collection(RedisServerFixture.CollectionName)]
public sealed class RedisServerFixtureTests(RedisServerFixture redis)
{
    [Fact]
    public async Task SharedFixture_IsRunningAndServesCommands()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();

        await database.StringSetAsync("shared", "value");

        Assert.Equal("value", (string?)await database.StringGetAsync("shared"));
        Assert.True(redis.Server.IsRunning);
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
    }

    [Fact]
    public async Task SharedFixture_SurvivesOutageAndFlush()
    {
        int port = redis.Port;
        await redis.StopAsync();
        await redis.StartAsync();
        await redis.FlushAllAsync();

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.Equal(port, redis.Port);
        Assert.False(await connection.GetDatabase().KeyExistsAsync("shared"));
    }
}
