using System.Globalization;
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
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Two_to_four_under_load_publishes_every_message_once_and_closes_the_old_sessions()
    {
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 2,
            Shards = 2,
            Settings = FastRunSettings(),
        });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(2, ClusterWaits.Timeout);

        cluster.Simulator.StartLoad(eventsPerSecond: 200);
        var started = await cluster.Supervisor.StartReshardAsync(4, "test");
        Assert.Equal(ReshardStartOutcome.Started, started.Outcome);
        Assert.Equal((2, 4), (started.Run!.From, started.Run.To));

        ReshardRun? run = null;
        await Eventually.TrueAsync(
            async () => (run = await cluster.Supervisor.GetReshardAsync()) is { State: ReshardState.Completed or ReshardState.RolledBack },
            RunTimeout,
            "the run ends");
        Assert.Equal(ReshardState.Completed, run!.State);

        // Events keep flowing through the new generation alone for a while, then the load stops.
        var afterSwitch = cluster.Simulator.Ledger.RoutedCount;
        await Eventually.TrueAsync(() => Task.FromResult(cluster.Simulator.Ledger.RoutedCount > afterSwitch + 200), ClusterWaits.Timeout, "load after the switch");
        cluster.Simulator.StopLoad();

        var produced = ProducedMessages(cluster.Simulator.Ledger.Snapshot());
        Dictionary<long, int> counts = [];
        await Eventually.TrueAsync(
            async () =>
            {
                counts = await PublishedMessageCountsAsync(cluster);
                return produced.All(counts.ContainsKey);
            },
            ClusterWaits.Timeout,
            "every MESSAGE_CREATE the simulator delivered is in Redis");

        var duplicated = counts.Where(c => c.Value > 1).Select(c => c.Key).ToArray();
        var status = await cluster.Supervisor.GetStatusAsync();
        var snapshot = cluster.Simulator.Ledger.Snapshot();
        var oldSessions = snapshot.Sessions.Where(s => s.Kind == SessionEventKind.Identified && s.NumShards == 2).Select(s => s.SessionId).ToHashSet();
        var newStarts = snapshot.Sessions.Count(s => s.Kind == SessionEventKind.Identified && s.NumShards == 4);
        var closedOld = snapshot.Closes.Where(c => c.SessionId is not null && oldSessions.Contains(c.SessionId) && !c.ByServer).ToArray();
        var markers = await MarkersAsync(cluster, "resharded");
        var overlapping = await OverlapCountAsync(cluster);
        output.WriteLine(
            $"{produced.Count} messages produced, {counts.Count} published, {duplicated.Length} duplicated; run {run.RunId} took "
            + $"{(run.EndedAt!.Value - run.StartedAt).TotalSeconds:0.0} s; cut-over {run.Cutover:O}; {overlapping} clockless events marked overlap; "
            + $"marker: {markers.FirstOrDefault()}");

        foreach (var id in duplicated.Take(6))
        {
            output.WriteLine($"dup {id}: clock-T {((id >> 22) + 1_420_070_400_000) - run.Cutover!.Value.ToUnixTimeMilliseconds()} ms: "
                + string.Join(" | ", await CopiesAsync(cluster, id)));
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
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 3,
            Shards = 2,
            Settings = FastRunSettings(),
        });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(2, ClusterWaits.Timeout);

        cluster.Simulator.StartLoad(eventsPerSecond: 200);
        Assert.Equal(ReshardStartOutcome.Started, (await cluster.Supervisor.StartReshardAsync(4, "test")).Outcome);
        await Eventually.TrueAsync(
            async () => (await cluster.Supervisor.GetReshardAsync())?.State is ReshardState.Switching or ReshardState.Completed,
            RunTimeout,
            "the run fixes its cut-over");

        // A secondary silo running shards of either generation dies without a goodbye.
        var statuses = await cluster.ShardStatusesAsync();
        var victim = cluster.Cluster.SecondarySilos
            .OrderByDescending(silo => statuses.Count(s => s.Silo.Equals(silo.SiloAddress)))
            .First();
        output.WriteLine($"killing {victim.SiloAddress}, running {statuses.Count(s => s.Silo.Equals(victim.SiloAddress))} shard(s)");
        await cluster.Cluster.KillSiloAsync(victim);

        ReshardRun? run = null;
        await Eventually.TrueAsync(
            async () => (run = await cluster.Supervisor.GetReshardAsync()) is { State: ReshardState.Completed or ReshardState.RolledBack },
            RunTimeout,
            "the run ends");
        Assert.Equal(ReshardState.Completed, run!.State);
        await Eventually.TrueAsync(
            async () => (await cluster.ShardStatusesAsync()) is { Count: 4 } shards && shards.All(s => s.ConnectionState == "Active"),
            ClusterWaits.Timeout,
            "the new generation is active on the surviving silos");
        var afterSwitch = cluster.Simulator.Ledger.RoutedCount;
        await Eventually.TrueAsync(() => Task.FromResult(cluster.Simulator.Ledger.RoutedCount > afterSwitch + 200), ClusterWaits.Timeout, "load after the switch");
        cluster.Simulator.StopLoad();

        var produced = ProducedMessages(cluster.Simulator.Ledger.Snapshot());
        Dictionary<long, int> counts = [];
        await Eventually.TrueAsync(
            async () =>
            {
                counts = await PublishedMessageCountsAsync(cluster);
                return produced.All(counts.ContainsKey);
            },
            ClusterWaits.Timeout,
            "every MESSAGE_CREATE the simulator delivered is in Redis");
        output.WriteLine($"{produced.Count} messages produced, {counts.Count} published, {counts.Count(c => c.Value > 1)} duplicated");
        Assert.DoesNotContain(counts, c => c.Value > 1);
    }

    [Fact]
    public async Task A_run_rolled_back_before_its_cutover_leaves_the_old_generation_in_service()
    {
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 1,
            Shards = 2,
            // Slow identifies: the new generation is still identifying when the run is cancelled.
            IdentifyWindow = TimeSpan.FromSeconds(2),
            Settings = FastRunSettings(),
        });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(2, ClusterWaits.Timeout);
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
        var afterRollback = cluster.Simulator.Ledger.RoutedCount;
        await Eventually.TrueAsync(() => Task.FromResult(cluster.Simulator.Ledger.RoutedCount > afterRollback + 200), ClusterWaits.Timeout, "load after the rollback");
        cluster.Simulator.StopLoad();

        var produced = ProducedMessages(cluster.Simulator.Ledger.Snapshot(), numShards: 2);
        Dictionary<long, int> counts = [];
        await Eventually.TrueAsync(
            async () =>
            {
                counts = await PublishedMessageCountsAsync(cluster);
                return produced.All(counts.ContainsKey);
            },
            ClusterWaits.Timeout,
            "every MESSAGE_CREATE the old generation received is in Redis");
        Assert.DoesNotContain(counts, c => c.Value > 1);

        var status = await cluster.Supervisor.GetStatusAsync();
        Assert.Equal(2, status.ShardTotal);
        Assert.Equal(2, status.Shards.Length);
        Assert.All(status.Shards, shard => Assert.Equal("in_service", shard.Generation));
        Assert.Equal("2", (string?)await cluster.Redis.HashGetAsync($"{cluster.KeyPrefix}:sharding", "total"));
        Assert.Single(await MarkersAsync(cluster, "reshard_rolled_back"));
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
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 1,
            Shards = 2,
            DailyIdentifyTotal = 20,
            Settings = FastRunSettings(),
        });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(2, ClusterWaits.Timeout);
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
        var settings = FastRunSettings();
        settings["Reshard:Auto"] = "true";
        settings["Reshard:AutoCheckInterval"] = "00:00:00.500";
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions { Silos = 1, Shards = 2, Settings = settings });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(2, ClusterWaits.Timeout);

        cluster.Simulator.SetRecommendedShards(3);
        ReshardRun? run = null;
        await Eventually.TrueAsync(
            async () => (run = await cluster.Supervisor.GetReshardAsync()) is { State: ReshardState.Completed or ReshardState.RolledBack },
            RunTimeout,
            "the automatic run ends");

        Assert.Equal(ReshardState.Completed, run!.State);
        Assert.Equal((2, 3), (run.From, run.To));
        Assert.StartsWith("auto", run.Reason, StringComparison.Ordinal);
        Assert.Equal(3, (await cluster.Supervisor.GetStatusAsync()).ShardTotal);
    }

    [Fact]
    public async Task A_changed_configured_total_starts_one_run_and_the_stored_total_wins_afterwards()
    {
        var prefix = $"reshard-config-{Guid.NewGuid():N}";
        await using (var first = await ShardCluster.StartAsync(redis, new ShardClusterOptions { Silos = 1, Shards = 2, KeyPrefix = prefix, Settings = FastRunSettings() }))
        {
            await first.Supervisor.EnsureShardsAsync();
            await first.Simulator.WaitForShardsReadyAsync(2, ClusterWaits.Timeout);
            Assert.Null(await first.Supervisor.GetReshardAsync());
        }

        // The operator raises DISCORD_SHARD_TOTAL to 3 and restarts: one run to 3.
        await using (var second = await ShardCluster.StartAsync(redis, new ShardClusterOptions { Silos = 1, Shards = 3, KeyPrefix = prefix, Settings = FastRunSettings() }))
        {
            await second.Supervisor.EnsureShardsAsync();
            ReshardRun? run = null;
            await Eventually.TrueAsync(
                async () => (run = await second.Supervisor.GetReshardAsync()) is { State: ReshardState.Completed or ReshardState.RolledBack },
                RunTimeout,
                "the run the configuration change started ends");
            Assert.Equal(ReshardState.Completed, run!.State);
            Assert.Equal((2, 3, "configuration"), (run.From, run.To, run.Reason));
            Assert.Equal(3, (await second.Supervisor.GetStatusAsync()).ShardTotal);
        }

        // Restarted with the same setting: nothing new starts, the 3 shards in service stay.
        await using var third = await ShardCluster.StartAsync(redis, new ShardClusterOptions { Silos = 1, Shards = 3, KeyPrefix = prefix, Settings = FastRunSettings() });
        await third.Supervisor.EnsureShardsAsync();
        await third.Simulator.WaitForShardsReadyAsync(3, ClusterWaits.Timeout);
        var last = await third.Supervisor.GetReshardAsync();
        Assert.Equal(ReshardState.Completed, last!.State);
        Assert.Equal(3, (await third.Supervisor.GetStatusAsync()).Shards.Length);
    }

    private static Dictionary<string, string?> FastRunSettings() => new()
    {
        ["Reshard:PollInterval"] = "00:00:00.200",
        ["Reshard:GuildTimeout"] = "00:00:05",
        ["Reshard:ReadyTimeout"] = "00:02:00",
    };

    /// <summary>Uids of the MESSAGE_CREATEs the simulator put in some session (the message id is the uid).</summary>
    private static HashSet<long> ProducedMessages(LedgerSnapshot snapshot, int? numShards = null)
        => [.. snapshot.Routed.Where(r => r.Type == "MESSAGE_CREATE" && (numShards is null || r.NumShards == numShards)).Select(r => r.EventUid)];

    private static async Task<Dictionary<long, int>> PublishedMessageCountsAsync(ShardCluster cluster)
    {
        var counts = new Dictionary<long, int>();
        foreach (var list in cluster.EventLists)
        {
            foreach (var value in await cluster.Redis.ListRangeAsync(list))
            {
                using var document = JsonDocument.Parse((byte[])value!);
                var root = document.RootElement;
                if (root.TryGetProperty("t", out var type) && type.GetString() == "MESSAGE_CREATE")
                {
                    var id = long.Parse(root.GetProperty("d").GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
                    counts[id] = counts.GetValueOrDefault(id) + 1;
                }
            }
        }

        return counts;
    }

    private static async Task<int> OverlapCountAsync(ShardCluster cluster)
    {
        var count = 0;
        foreach (var list in cluster.EventLists)
        {
            foreach (var value in await cluster.Redis.ListRangeAsync(list))
            {
                using var document = JsonDocument.Parse((byte[])value!);
                if (document.RootElement.TryGetProperty("overlap", out var overlap) && overlap.GetBoolean())
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static async Task<List<string>> CopiesAsync(ShardCluster cluster, long id)
    {
        var copies = new List<string>();
        var needle = $"\"id\":\"{id}\"";
        foreach (var list in cluster.EventLists)
        {
            foreach (var value in await cluster.Redis.ListRangeAsync(list))
            {
                var text = (string)value!;
                if (text.Contains(needle, StringComparison.Ordinal))
                {
                    copies.Add(text[..Math.Min(120, text.Length)]);
                }
            }
        }

        return copies;
    }

    private static async Task<List<string>> MarkersAsync(ShardCluster cluster, string kind)
    {
        var markers = new List<string>();
        foreach (var list in cluster.EventLists)
        {
            foreach (var value in await cluster.Redis.ListRangeAsync(list))
            {
                var text = (string)value!;
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.TryGetProperty("marker", out var marker) && marker.GetString() == kind)
                {
                    markers.Add(text);
                }
            }
        }

        return markers;
    }
}
