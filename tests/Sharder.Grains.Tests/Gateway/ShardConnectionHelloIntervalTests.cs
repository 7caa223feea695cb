using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>A Hello whose heartbeat_interval is outside the configured range closes with 4000 and the shard goes on.</summary>
public sealed class ShardConnectionHelloIntervalTests
{
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(999)]
    [InlineData(300_001)]
    public async Task An_out_of_range_interval_closes_4000_and_the_shard_reconnects(long intervalMs)
    {
        await using var harness = new ShardHarness();
        var shard = harness.Start();
        var first = await harness.Server.NextConnectionAsync();

        first.SendJson($$$"""{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":{{{intervalMs}}}}}""");

        Assert.Equal(4000, await first.ClientCloseCodeAsync());
        Assert.Equal(0, first.CountSent(2));
        Assert.False(shard.Completion.IsCompleted, "the shard's loop ended");
        await Waits.AdvanceUntilAsync(harness.Clock, TimeSpan.FromSeconds(1), () => harness.Server.HasPendingConnection, "the shard reconnects");
        var second = await harness.Server.NextConnectionAsync();
        second.SendHello(41_250);
        await second.NextSentAsync(2);
        Assert.False(shard.Completion.IsCompleted);
    }

    [Fact]
    public async Task The_range_is_configurable()
    {
        await using var harness = new ShardHarness(o => o.MinHeartbeatInterval = TimeSpan.FromMilliseconds(10));
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();

        connection.SendHello(50);

        await connection.NextSentAsync(2);
        Assert.False(connection.ClosedByClient);
    }
}
