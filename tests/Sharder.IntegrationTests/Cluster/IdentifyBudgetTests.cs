using System.Globalization;
using Sharder.Simulator.Sessions;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// A daily session-start budget too small for every shard: the coordinator spends it down to its reserve
/// and no further, so Discord never resets the token, and it reports the shards left waiting.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class IdentifyBudgetTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task A_budget_below_the_shard_count_starts_budget_minus_reserve_shards_and_reports_the_rest_waiting()
    {
        const int Shards = 8;
        const int Budget = 6;
        const int Reserve = 2;
        const int Started = Budget - Reserve;
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 2,
            Shards = Shards,
            MaxConcurrency = 2,
            DailyIdentifyTotal = Budget,
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
            Settings = new Dictionary<string, string?>
            {
                ["Coordinator:BudgetReserve"] = Reserve.ToString(CultureInfo.InvariantCulture),
            },
        });

        await cluster.Supervisor.EnsureShardsAsync();

        // Every shard has asked once (the refused ones retry only at the daily reset), and the granted ones are READY.
        await Eventually.TrueAsync(
            async () =>
            {
                var status = await cluster.Coordinator.GetStatusAsync();
                return status.Grants + status.Refusals >= Shards;
            },
            ClusterWaits.Timeout,
            "every shard asked the coordinator for an identify slot");
        await cluster.Simulator.WaitUntilAsync(
            s => s.Sessions().Count(x => x.State == SessionState.Attached) >= Started,
            ClusterWaits.Timeout,
            $"{Started} sessions are READY");
        var report = await ClusterWaits.AllPublishedAsync(cluster, "the READY and GUILD_CREATE events of the started shards are in Redis");

        var coordinator = await cluster.Coordinator.GetStatusAsync();
        var sessions = cluster.Simulator.Sessions();
        var shards = await cluster.ShardStatusesAsync();
        output.WriteLine($"budget {Budget}, reserve {Reserve}, {Shards} shards: {sessions.Count} sessions on shards [{string.Join(", ", sessions.Select(s => s.ShardId).Order())}]");
        output.WriteLine($"coordinator: grants {coordinator.Grants}, refusals {coordinator.Refusals}, remaining {coordinator.Remaining}/{coordinator.Total}, "
            + $"exhausted {coordinator.IsBudgetExhausted}, waiting {coordinator.WaitingShards}, reset at {coordinator.ResetAt:O}");
        output.WriteLine($"simulator: budget remaining {cluster.Simulator.IdentifyBudgetRemaining}, token revoked {cluster.Simulator.TokenRevoked}");
        output.WriteLine($"shard states: {string.Join(", ", shards.OrderBy(s => s.ShardId).Select(s => $"{s.ShardId}={s.ConnectionState}"))}");
        output.WriteLine(report.ToString());

        report.AssertOk();
        Assert.Equal(Started, report.Identifies);
        Assert.Equal(0, report.IdentifyViolations);
        Assert.Equal(Started, sessions.Count);
        Assert.Equal(Started, sessions.Select(s => s.ShardId).Distinct().Count());
        Assert.False(cluster.Simulator.TokenRevoked, "the budget was spent to zero and Discord reset the token");
        Assert.Equal(Reserve, cluster.Simulator.IdentifyBudgetRemaining);

        Assert.True(coordinator.IsBudgetExhausted, "the coordinator does not report the budget as exhausted");
        Assert.Equal(Shards - Started, coordinator.WaitingShards);
        Assert.Equal(Started, coordinator.Grants - coordinator.Missed); // a missed slot is granted again, not charged again
        Assert.Equal(Shards - Started, coordinator.Refusals);
        Assert.Equal(Reserve, coordinator.Remaining);
        Assert.Equal(Budget, coordinator.Total);
        Assert.Equal(Shards, shards.Count);
        Assert.Equal(Started, shards.Count(s => s.ConnectionState == "Active"));
    }
}
