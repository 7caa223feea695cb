using System.Text;
using Sharder.Client.Commands;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using SiloRouting = Sharder.Grains.Commands.CommandRouting;
using SiloValidator = Sharder.Grains.Commands.CommandValidator;

namespace Sharder.Client.Tests;

/// <summary>The command sender pushes what the silo takes, where the silo reads it, and nothing it would refuse.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class CommandSenderTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly string _prefix = TestEnvelopes.UniquePrefix("commands");
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Database => _connection.GetDatabase();

    public async Task InitializeAsync() => _connection = await TestEnvelopes.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task ShardCommand_PushedAsIsToTheShardsList()
    {
        var sender = new CommandSender(_connection, _prefix);
        var payload = "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"idle\",\"afk\":false}}"u8.ToArray();

        Assert.Equal(1, await sender.SendToShardAsync(2, payload));

        Assert.Equal(payload, (byte[])(await Database.ListGetByIndexAsync($"{_prefix}:to:2", 0))!);
    }

    [Fact]
    public async Task RejectedCommand_ThrowsAndPushesNothing()
    {
        var sender = new CommandSender(_connection, _prefix);

        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => sender.SendToShardAsync(0, "{\"op\":2,\"d\":{\"token\":\"x\"}}"u8.ToArray()));
        var noGuild = await Assert.ThrowsAsync<CommandRejectedException>(() => sender.SendByGuildAsync("{\"op\":4,\"d\":{}}"u8.ToArray()));

        Assert.Equal(CommandRejectReason.OpNotAllowed, error.Check.Reason);
        Assert.Equal(CommandRejectReason.NoGuildId, noGuild.Check.Reason);
        Assert.DoesNotContain("token", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Database.ListLengthAsync($"{_prefix}:to:0"));
        Assert.Equal(0, await Database.ListLengthAsync($"{_prefix}:commands"));
    }

    [Fact]
    public async Task Helpers_BuildCommandsTheSiloAcceptsAndRoutes()
    {
        var sender = new CommandSender(_connection, _prefix);
        const ulong guild = 41771983423143937;

        await sender.UpdatePresenceAsync(1, "dnd", "pong", activityType: 4);
        await sender.UpdateVoiceStateAsync(guild, 5, selfDeaf: true);
        await sender.RequestGuildMembersAsync(guild, "ab", 10, presences: true, nonce: "n");

        var presence = (byte[])(await Database.ListGetByIndexAsync($"{_prefix}:to:1", 0))!;
        var routed = (await Database.ListRangeAsync($"{_prefix}:commands")).Select(v => (byte[])v!).ToArray();
        var silo = new SiloValidator(SiloValidator.GatewayCommandOps);
        Assert.Equal(3, silo.Validate(presence).Op);
        Assert.Equal(
            "{\"op\":3,\"d\":{\"since\":null,\"activities\":[{\"name\":\"pong\",\"type\":4,\"state\":\"pong\"}],\"status\":\"dnd\",\"afk\":false}}",
            Encoding.UTF8.GetString(presence));
        Assert.Equal([4, 8], routed.Select(p => silo.Validate(p).Op));
        Assert.All(routed, p => Assert.True(SiloRouting.TryReadGuildId(p, out ulong id) && id == guild));
        Assert.Equal(
            "{\"op\":4,\"d\":{\"guild_id\":\"41771983423143937\",\"channel_id\":\"5\",\"self_mute\":false,\"self_deaf\":true}}",
            Encoding.UTF8.GetString(routed[0]));
        Assert.Equal(
            "{\"op\":8,\"d\":{\"guild_id\":\"41771983423143937\",\"query\":\"ab\",\"limit\":10,\"presences\":true,\"nonce\":\"n\"}}",
            Encoding.UTF8.GetString(routed[1]));
    }
}
