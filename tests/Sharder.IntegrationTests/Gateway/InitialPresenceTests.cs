using System.Text.Json;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary><c>Gateway:Presence</c> reaches the gateway in the Identify's <c>presence</c> field; without it there is none.</summary>
public sealed class InitialPresenceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Identify_WithAPresenceConfigured_CarriesStatusAndActivity()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, configureGateway: o =>
            o.Presence = new GatewayPresenceOptions { Status = "DND", ActivityName = "the shards", ActivityType = GatewayActivityType.Watching });

        await scenario.StartReadyShardAsync();

        var identify = Assert.Single(scenario.Simulator.Identifies);
        Assert.NotNull(identify.Presence);
        using var presence = JsonDocument.Parse(identify.Presence);
        var root = presence.RootElement;
        Assert.Equal("dnd", root.GetProperty("status").GetString());
        Assert.False(root.GetProperty("afk").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("since").ValueKind);
        var activity = Assert.Single(root.GetProperty("activities").EnumerateArray().ToList());
        Assert.Equal("the shards", activity.GetProperty("name").GetString());
        Assert.Equal(3, activity.GetProperty("type").GetInt32());
    }

    [Fact]
    public async Task Identify_WithoutAPresence_HasNoPresenceField()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream);

        await scenario.StartReadyShardAsync();

        var identify = Assert.Single(scenario.Simulator.Identifies);
        Assert.Null(identify.Presence);
        Assert.Equal("[0,1]", identify.Shard);
    }
}
