using Sharder.Grains.Gateway;
using Sharder.Grains.Shards;
using Sharder.Grains.Tests.Gateway.Fakes;
using Sharder.Grains.Sink;

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

    [Fact]
    public async Task An_active_shard_whose_events_Redis_refuses_is_named_with_the_reason_and_not_counted_active()
    {
        await using var harness = new ShardHarness();
        var registry = new LocalShardRegistry();
        var board = new DeliveryProblemBoard();
        var health = new HostedShardsHealth(registry, harness.Clock, board);
        registry.Register(harness.Start());
        await harness.IdentifyAsync();

        board.Report(0, new DeliveryProblem(0, "OOM", "OOM command not allowed", harness.Clock.GetUtcNow(), Transient: false));
        harness.Clock.Advance(TimeSpan.FromSeconds(5));
        var refused = health.Evaluate(Threshold);
        board.Report(0, null);
        var recovered = health.Evaluate(Threshold);

        Assert.Equal((1, 0), (refused.Hosted, refused.Active));
        Assert.Equal("shard 0 cannot deliver to Redis (OOM) for 00:00:05: OOM command not allowed", Assert.Single(refused.Problems));
        Assert.True(recovered.IsHealthy);
        Assert.Equal(1, recovered.Active);
    }

    [Fact]
    public async Task An_unreachable_Redis_is_a_problem_only_once_it_lasts_past_the_threshold()
    {
        await using var harness = new ShardHarness();
        var registry = new LocalShardRegistry();
        var board = new DeliveryProblemBoard();
        var health = new HostedShardsHealth(registry, harness.Clock, board);
        registry.Register(harness.Start());
        await harness.IdentifyAsync();

        board.Report(0, new DeliveryProblem(0, "UNAVAILABLE", "connection refused", harness.Clock.GetUtcNow(), Transient: true));
        harness.Clock.Advance(Threshold);
        var brief = health.Evaluate(Threshold);
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var lasting = health.Evaluate(Threshold);

        Assert.True(brief.IsHealthy);
        Assert.StartsWith("shard 0 cannot deliver to Redis (UNAVAILABLE) for 00:02:01", Assert.Single(lasting.Problems), StringComparison.Ordinal);
    }

    private static (LocalShardRegistry Registry, HostedShardsHealth Health) Create(ShardHarness harness)
    {
        var registry = new LocalShardRegistry();
        return (registry, new HostedShardsHealth(registry, harness.Clock));
    }
}
