using Sharder.Simulator.Tests.RawClient;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-4.5: Identify validation, one rule per test, in the documented order (GP §7.1 codes).</summary>
public sealed class IdentifyValidationTests
{
    private const string Properties = """{"os":"linux","browser":"raw-test","device":"raw-test"}""";

    [Fact]
    public async Task Bad_token_with_bad_shard_closes_4004_because_the_token_is_checked_first()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(Identify("not-the-token", shard: "[5,2]", intents: "513"));

        Assert.Equal(4004, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Token_with_the_Bot_prefix_is_accepted()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(Identify("Bot " + simulator.Token, shard: "[0,1]", intents: "513"));

        Assert.Equal(1, (await client.WaitForDispatchAsync("READY")).Seq);
    }

    [Fact]
    public async Task Second_identify_on_the_same_connection_closes_4005()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator);

        await client.IdentifyAsync(simulator.Token);

        Assert.Equal(4005, await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData("[2,2]", null)]
    [InlineData("[0,0]", null)]
    [InlineData("[-1,2]", null)]
    [InlineData("[0]", null)]
    [InlineData("\"0,1\"", null)]
    [InlineData("[0,2]", 4)]
    public async Task Invalid_shard_closes_4010(string shard, int? requiredMultiple)
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.RequiredShardMultiple = requiredMultiple);
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(Identify(simulator.Token, shard, intents: "513"));

        Assert.Equal(4010, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Shard_count_that_is_a_multiple_of_the_required_multiple_is_accepted()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.RequiredShardMultiple = 4);
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator, shardId: 3, numShards: 8);

        Assert.Equal([3, 8], client.AllFrames.Single(f => f.Type == "READY").Data.GetProperty("shard").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"513\"")]
    [InlineData("-1")]
    [InlineData("131072")] // bit 17 is not a documented intent
    public async Task Missing_or_invalid_intents_close_4013(string? intents)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(Identify(simulator.Token, shard: "[0,1]", intents));

        Assert.Equal(4013, await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData(GatewayIntents.GuildMembers)]
    [InlineData(GatewayIntents.GuildPresences)]
    [InlineData(GatewayIntents.MessageContent)]
    public async Task Privileged_intent_the_app_has_not_enabled_closes_4014(GatewayIntents privileged)
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.EnabledPrivilegedIntents = 0);
        await using var client = await HelloClientAsync(simulator);

        await client.IdentifyAsync(simulator.Token, intents: 513 | (int)privileged);

        Assert.Equal(4014, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Privileged_intent_the_app_has_enabled_is_accepted()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.EnabledPrivilegedIntents = (int)GatewayIntents.MessageContent);
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator, intents: 513 | (int)GatewayIntents.MessageContent);

        Assert.Single(client.AllFrames, f => f.Type == "READY");
    }

    [Fact]
    public async Task Too_many_guilds_for_one_shard_closes_4011()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.MaxGuildsPerShard = 3);
        await using var client = await HelloClientAsync(simulator);

        await client.IdentifyAsync(simulator.Token, shardId: 0, numShards: 1);

        Assert.Equal(4011, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Enough_shards_for_the_guild_limit_are_accepted()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.MaxGuildsPerShard = 3);
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator, shardId: 0, numShards: 4);

        Assert.Equal(simulator.World.CountGuildsForShard(0, 4), client.AllFrames.Single(f => f.Type == "READY").Data.GetProperty("guilds").GetArrayLength());
    }

    [Fact]
    public async Task Invalid_intents_are_checked_before_guild_limits()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.MaxGuildsPerShard = 3);
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(Identify(simulator.Token, shard: "[0,1]", intents: "131072"));

        Assert.Equal(4013, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Invalid_shard_is_checked_before_intents()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(Identify(simulator.Token, shard: "[1,1]", intents: "131072"));

        Assert.Equal(4010, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Identify_without_properties_closes_4001()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync($$$"""{"op":2,"d":{"token":"{{{simulator.Token}}}","intents":513}}""");

        Assert.Equal(4001, await client.WaitForCloseAsync());
    }

    private static async Task<RawGatewayClient> HelloClientAsync(GatewaySimulator simulator)
    {
        var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        Assert.Equal(10, (await client.NextAsync()).Op);
        return client;
    }

    private static string Identify(string token, string shard, string? intents) =>
        $$$"""{"op":2,"d":{"token":"{{{token}}}",{{{(intents is null ? "" : $"\"intents\":{intents},")}}}"properties":{{{Properties}}},"shard":{{{shard}}}}}""";
}
