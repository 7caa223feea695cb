using System.Diagnostics;
using Sharder.Grains.Interfaces;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>A cold start of N shards over three silos goes through the one coordinator and never breaks max_concurrency.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class IdentifyCoordinationTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task Cold_start_over_three_silos_respects_max_concurrency()
    {
        const int Shards = 9;
        const int MaxConcurrency = 3;
        var window = TimeSpan.FromSeconds(1);
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 3,
            Shards = Shards,
            MaxConcurrency = MaxConcurrency,
            IdentifyWindow = window,
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
        });

        var stopwatch = Stopwatch.StartNew();
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, ClusterWaits.Timeout);
        var elapsed = stopwatch.Elapsed;

        var report = await ClusterWaits.AllPublishedAsync(cluster, "the READY and GUILD_CREATE events are in Redis");
        var coordinator = await cluster.Cluster.GrainFactory
            .GetGrain<IShardCoordinatorGrain>(IShardCoordinatorGrain.SingletonKey).GetStatusAsync();
        var placement = await cluster.PlacementAsync();
        var ideal = Math.Ceiling((double)Shards / MaxConcurrency) * window.TotalSeconds;
        output.WriteLine($"{Shards} shards, max_concurrency {MaxConcurrency}, window {window.TotalSeconds} s: all READY after {elapsed.TotalSeconds:0.00} s (ceil(N/M) x window = {ideal:0.00} s; the coordinator spaces slots {ShardCluster.IdentifySafetyMargin.TotalMilliseconds:0} ms wider)");
        output.WriteLine($"silos used: {placement.Values.Distinct().Count()}; bucket-order violations: {cluster.Simulator.BucketOrderViolations}");
        output.WriteLine($"coordinator: grants {coordinator.Grants}, refusals {coordinator.Refusals}, remaining {coordinator.Remaining}/{coordinator.Total}");
        output.WriteLine(report.ToString());

        report.AssertOk();
        Assert.Equal(0, report.IdentifyViolations);
        Assert.Equal(Shards, report.Identifies);
        Assert.Equal(Shards, coordinator.Grants - coordinator.Missed); // a slot missed (connect slower than its lead) is granted again, not charged again
        Assert.Equal(MaxConcurrency, coordinator.MaxConcurrency);
        Assert.True(placement.Values.Distinct().Count() > 1, "the shards ran on more than one silo");
    }
}
