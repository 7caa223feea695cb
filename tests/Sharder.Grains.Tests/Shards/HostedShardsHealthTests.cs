using Sharder.Grains.Gateway;
using Sharder.Grains.Shards;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Shards;

public sealed class HostedShardsHealthTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Active_shards_are_healthy()
    {
        await using var harness = new ShardHarness();
        var (registry, health) = Create(harness);
        registry.Register(harness.Start());
        await harness.IdentifyAsync();

        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        var verdict = health.Evaluate(Threshold);

        Assert.True(verdict.IsHealthy);
        Assert.Equal((1, 1), (verdict.Hosted, verdict.Active));
    }

    [Fact]
    public async Task A_shard_without_a_session_for_longer_than_the_threshold_is_named()
    {
        await using var harness = new ShardHarness(o => o.HelloTimeout = TimeSpan.FromHours(1));
        var (registry, health) = Create(harness);
        registry.Register(harness.Start());
        await harness.Server.NextConnectionAsync();
        var state = harness.Shard.State;

        harness.Clock.Advance(Threshold);
        Assert.True(health.Evaluate(Threshold).IsHealthy, "not yet past the threshold");
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var verdict = health.Evaluate(Threshold);

        Assert.Equal((1, 0), (verdict.Hosted, verdict.Active));
        Assert.Equal($"shard 0 has been {state} for 00:03:00 (last close code none)", Assert.Single(verdict.Problems));
    }

    [Fact]
    public async Task A_fatally_closed_shard_is_named_at_once_with_its_reason()
    {
        await using var harness = new ShardHarness();
        var (registry, health) = Create(harness);
        registry.Register(harness.Start());
        var connection = await harness.IdentifyAsync();

        connection.CloseFromServer(4004, "Authentication failed");
        await Waits.UntilAsync(() => harness.Shard.State == GatewayState.FatallyClosed, "the shard closed fatally");
        var verdict = health.Evaluate(Threshold);

        var problem = Assert.Single(verdict.Problems);
        Assert.StartsWith("shard 0 closed fatally: ", problem, StringComparison.Ordinal);
        Assert.Contains("4004", problem, StringComparison.Ordinal);
    }

    private static (LocalShardRegistry Registry, HostedShardsHealth Health) Create(ShardHarness harness)
    {
        var registry = new LocalShardRegistry();
        return (registry, new HostedShardsHealth(registry, harness.Clock));
    }
}
