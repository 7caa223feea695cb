using System.Text.Json;
using Sharder.Grains.Interfaces.Models;
using Sharder.IntegrationTests.Cluster;
using Sharder.Simulator.Ledger;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Resharding;

/// <summary>
/// Resharding over an in-process cluster against the simulated Discord (which delivers a guild's events to a
/// session of each generation) and a real redis-server: 2 → 4 shards under load, and a run refused for budget.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class ReshardingTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_to_four_under_load_publishes_every_message_once_and_closes_the_old_sessions()
    {
        await using var cluster = await ReshardingCluster.StartAsync(redis, silos: 2, shards: 2);

        cluster.Simulator.StartLoad(eventsPerSecond: 200);
        var started = await cluster.Supervisor.StartReshardAsync(4, "test");
        Assert.Equal(ReshardStartOutcome.Started, started.Outcome);
        Assert.Equal((2, 4), (started.Run!.From, started.Run.To));

        var run = await ReshardingCluster.RunEndsAsync(cluster, "the run ends");
        Assert.Equal(ReshardState.Completed, run.State);

        // Events keep flowing through the new generation alone for a while, then the load stops.
        await ReshardingCluster.LoadContinuesThenStopsAsync(cluster, "load after the switch");
        var (produced, counts) = await ReshardingCluster.AllMessagesPublishedAsync(cluster, "every MESSAGE_CREATE the simulator delivered is in Redis");

        var duplicated = counts.Where(c => c.Value > 1).Select(c => c.Key).ToArray();
        var status = await cluster.Supervisor.GetStatusAsync();
        var snapshot = cluster.Simulator.Ledger.Snapshot();
        var oldSessions = snapshot.Sessions.Where(s => s.Kind == SessionEventKind.Identified && s.NumShards == 2).Select(s => s.SessionId).ToHashSet();
        var newStarts = snapshot.Sessions.Count(s => s.Kind == SessionEventKind.Identified && s.NumShards == 4);
        var closedOld = snapshot.Closes.Where(c => c.SessionId is not null && oldSessions.Contains(c.SessionId) && !c.ByServer).ToArray();
        var markers = await ReshardingCluster.MarkersAsync(cluster, "resharded");
        var overlapping = await ReshardingCluster.OverlapCountAsync(cluster);
        output.WriteLine(
            $"{produced.Count} messages produced, {counts.Count} published, {duplicated.Length} duplicated; run {run.RunId} took "
            + $"{(run.EndedAt!.Value - run.StartedAt).TotalSeconds:0.0} s; cut-over {run.Cutover:O}; {overlapping} clockless events marked overlap; "
            + $"marker: {markers.FirstOrDefault()}");

        foreach (var id in duplicated.Take(6))
        {
            output.WriteLine($"dup {id}: clock-T {((id >> 22) + 1_420_070_400_000) - run.Cutover!.Value.ToUnixTimeMilliseconds()} ms: "
                + string.Join(" | ", await ReshardingCluster.CopiesAsync(cluster, id)));
        }

        Assert.Empty(duplicated);
        Assert.Empty(counts.Keys.Except(produced));
        Assert.Equal(4, newStarts);
        Assert.Equal(2, oldSessions.Count);
        Assert.Equal(2, closedOld.Length);
        Assert.All(closedOld, close => Assert.Equal(1000, close.Code));
        Assert.Equal(4, status.ShardTotal);
        Assert.Equal(4, status.Shards.Length);
        Assert.All(status.Shards, shard => Assert.Equal(4, shard.ShardCount));
        Assert.Equal("4", (string?)await cluster.Redis.HashGetAsync($"{cluster.KeyPrefix}:sharding", "total"));

        var marker = Assert.Single(markers);
        using var document = JsonDocument.Parse(marker);
        Assert.Equal(2, document.RootElement.GetProperty("from").GetInt32());
        Assert.Equal(4, document.RootElement.GetProperty("to").GetInt32());
        Assert.Equal(2, document.RootElement.GetProperty("old").GetArrayLength());
        Assert.Equal(4, document.RootElement.GetProperty("new").GetArrayLength());

        // The old generation's checkpoints are retired (no session to resume); the new one's are qualified by its total.
        for (int shard = 0; shard < 2; shard++)
        {
            Assert.False(await cluster.Redis.HashExistsAsync($"{cluster.KeyPrefix}:shard:{shard}:checkpoint", "session"));
        }

        for (int shard = 0; shard < 4; shard++)
        {
            Assert.True(await cluster.Redis.HashExistsAsync($"{cluster.KeyPrefix}:shard:{shard}/4:checkpoint", "session"));
        }
    }

    [Fact]
    public async Task A_silo_killed_while_the_run_switches_loses_and_duplicates_no_message()
    {
        await using var cluster = await ReshardingCluster.StartAsync(redis, silos: 3, shards: 2);

        cluster.Simulator.StartLoad(eventsPerSecond: 200);
        Assert.Equal(ReshardStartOutcome.Started, (await cluster.Supervisor.StartReshardAsync(4, "test")).Outcome);
        await Eventually.TrueAsync(
            async () => (await cluster.Supervisor.GetReshardAsync())?.State is ReshardState.Switching or ReshardState.Completed,
            ReshardingCluster.RunTimeout,
            "the run fixes its cut-over");

        // A secondary silo running shards of either generation dies without a goodbye.
        var statuses = await cluster.ShardStatusesAsync();
        var victim = cluster.Cluster.SecondarySilos
            .OrderByDescending(silo => statuses.Count(s => s.Silo.Equals(silo.SiloAddress)))
            .First();
        output.WriteLine($"killing {victim.SiloAddress}, running {statuses.Count(s => s.Silo.Equals(victim.SiloAddress))} shard(s)");
        await cluster.Cluster.KillSiloAsync(victim);

        var run = await ReshardingCluster.RunEndsAsync(cluster, "the run ends");
        Assert.Equal(ReshardState.Completed, run.State);
        await Eventually.TrueAsync(
            async () => (await cluster.ShardStatusesAsync()) is { Count: 4 } shards && shards.All(s => s.ConnectionState == "Active"),
            ClusterWaits.Timeout,
            "the new generation is active on the surviving silos");
        await ReshardingCluster.LoadContinuesThenStopsAsync(cluster, "load after the switch");
        var (produced, counts) = await ReshardingCluster.AllMessagesPublishedAsync(cluster, "every MESSAGE_CREATE the simulator delivered is in Redis");
        output.WriteLine($"{produced.Count} messages produced, {counts.Count} published, {counts.Count(c => c.Value > 1)} duplicated");
        Assert.DoesNotContain(counts, c => c.Value > 1);
    }

    [Fact]
    public async Task A_run_rolled_back_before_its_cutover_leaves_the_old_generation_in_service()
    {
        // Slow identifies: the new generation is still identifying when the run is cancelled.
        await using var cluster = await ReshardingCluster.StartAsync(redis, silos: 1, shards: 2, identifyWindow: TimeSpan.FromSeconds(2));
        cluster.Simulator.StartLoad(eventsPerSecond: 100);

        Assert.Equal(ReshardStartOutcome.Started, (await cluster.Supervisor.StartReshardAsync(4, "test")).Outcome);
        await cluster.Simulator.WaitUntilAsync(
            s => s.Ledger.Snapshot().Sessions.Any(x => x.Kind == SessionEventKind.Identified && x.NumShards == 4),
            ClusterWaits.Timeout,
            "a first shard of the new generation identified");
        Assert.Equal(ReshardState.Identifying, (await cluster.Supervisor.GetReshardAsync())!.State);
        var rolledBack = await cluster.Supervisor.CancelReshardAsync();

        Assert.Equal(ReshardState.RolledBack, rolledBack!.State);
        Assert.Contains("cancelled", rolledBack.Reason, StringComparison.Ordinal);
        await ReshardingCluster.LoadContinuesThenStopsAsync(cluster, "load after the rollback");
        var (produced, counts) = await ReshardingCluster.AllMessagesPublishedAsync(
            cluster, "every MESSAGE_CREATE the old generation received is in Redis", numShards: 2);
        Assert.DoesNotContain(counts, c => c.Value > 1);

        var status = await cluster.Supervisor.GetStatusAsync();
        Assert.Equal(2, status.ShardTotal);
        Assert.Equal(2, status.Shards.Length);
        Assert.All(status.Shards, shard => Assert.Equal("in_service", shard.Generation));
        Assert.Equal("2", (string?)await cluster.Redis.HashGetAsync($"{cluster.KeyPrefix}:sharding", "total"));
        Assert.Single(await ReshardingCluster.MarkersAsync(cluster, "reshard_rolled_back"));
        var snapshot = cluster.Simulator.Ledger.Snapshot();
        var newSessions = snapshot.Sessions.Where(s => s.Kind == SessionEventKind.Identified && s.NumShards == 4).Select(s => s.SessionId).ToHashSet();
        var closedNew = snapshot.Closes.Where(c => c.SessionId is not null && newSessions.Contains(c.SessionId) && !c.ByServer).ToArray();
        Assert.NotEmpty(newSessions);
        Assert.Equal(newSessions.Count, closedNew.Length);
        Assert.All(closedNew, close => Assert.Equal(1000, close.Code));
        output.WriteLine($"{newSessions.Count} new session(s) had started and were closed; {produced.Count} messages published once");
    }

    [Fact]
    public async Task A_run_the_budget_cannot_pay_for_is_refused_and_changes_nothing()
    {
        // 2 of 20 starts used by the cluster itself; 17 shards need 17 + a reserve of 2 (10 %, rounded up).
        await using var cluster = await ReshardingCluster.StartAsync(redis, silos: 1, shards: 2, dailyIdentifyTotal: 20);
        await Eventually.TrueAsync(async () => (await cluster.Coordinator.GetStatusAsync()).Remaining == 18, ClusterWaits.Timeout, "the budget shows 18 left");
        var identifiesBefore = cluster.Simulator.Identifies.Count;
        var sharding = await cluster.Redis.HashGetAllAsync($"{cluster.KeyPrefix}:sharding");

        var result = await cluster.Supervisor.StartReshardAsync(17, "test");

        output.WriteLine(result.Message);
        Assert.Equal(ReshardStartOutcome.InsufficientBudget, result.Outcome);
        Assert.Null(result.Run);
        Assert.Contains("needs 19 session starts", result.Message, StringComparison.Ordinal);
        Assert.Contains("18 remain", result.Message, StringComparison.Ordinal);
        Assert.Contains("resets at", result.Message, StringComparison.Ordinal);
        Assert.Null(await cluster.Supervisor.GetReshardAsync());
        Assert.Equal(
            sharding.OrderBy(e => (string?)e.Name).Select(e => $"{e.Name}={e.Value}"),
            (await cluster.Redis.HashGetAllAsync($"{cluster.KeyPrefix}:sharding")).OrderBy(e => (string?)e.Name).Select(e => $"{e.Name}={e.Value}"));
        Assert.Equal(identifiesBefore, cluster.Simulator.Identifies.Count);
        Assert.Equal(2, (await cluster.Supervisor.GetStatusAsync()).Shards.Length);
    }

    [Fact]
    public async Task With_auto_on_a_higher_recommendation_from_gateway_bot_starts_a_run_to_it()
    {
        var auto = new Dictionary<string, string?> { ["Reshard:Auto"] = "true", ["Reshard:AutoCheckInterval"] = "00:00:00.500" };
        await using var cluster = await ReshardingCluster.StartAsync(redis, silos: 1, shards: 2, settings: auto);

        cluster.Simulator.SetRecommendedShards(3);
        var run = await ReshardingCluster.RunEndsAsync(cluster, "the automatic run ends");

        Assert.Equal(ReshardState.Completed, run.State);
        Assert.Equal((2, 3), (run.From, run.To));
        Assert.StartsWith("auto", run.Reason, StringComparison.Ordinal);
        Assert.Equal(3, (await cluster.Supervisor.GetStatusAsync()).ShardTotal);
    }

    [Fact]
    public async Task A_changed_configured_total_starts_one_run_and_the_stored_total_wins_afterwards()
    {
        var prefix = $"reshard-config-{Guid.NewGuid():N}";
        await using (var first = await ReshardingCluster.StartAsync(redis, silos: 1, shards: 2, keyPrefix: prefix))
        {
            Assert.Null(await first.Supervisor.GetReshardAsync());
        }

        // The operator raises DISCORD_SHARD_TOTAL to 3 and restarts: one run to 3.
        await using (var second = await ReshardingCluster.StartAsync(redis, silos: 1, shards: 3, keyPrefix: prefix, waitReady: false))
        {
            var run = await ReshardingCluster.RunEndsAsync(second, "the run the configuration change started ends");
            Assert.Equal(ReshardState.Completed, run.State);
            Assert.Equal((2, 3, "configuration"), (run.From, run.To, run.Reason));
            Assert.Equal(3, (await second.Supervisor.GetStatusAsync()).ShardTotal);
        }

        // Restarted with the same setting: nothing new starts, the 3 shards in service stay.
        await using var third = await ReshardingCluster.StartAsync(redis, silos: 1, shards: 3, keyPrefix: prefix);
        var last = await third.Supervisor.GetReshardAsync();
        Assert.Equal(ReshardState.Completed, last!.State);
        Assert.Equal(3, (await third.Supervisor.GetStatusAsync()).Shards.Length);
    }
}
