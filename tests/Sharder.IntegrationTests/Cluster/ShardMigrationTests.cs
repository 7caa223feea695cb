using System.Diagnostics;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Shards over a real (in-process) Orleans cluster against the simulated Discord: every event the gateway
/// sent reaches Redis exactly once while silos leave, and shards on a leaving silo resume elsewhere.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class ShardMigrationTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task One_silo_runs_every_shard_and_publishes_each_event_once()
    {
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions { Silos = 1, Shards = 2 });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(2, ClusterWaits.Timeout);

        cluster.Simulator.EmitMany(50);
        var report = await ClusterWaits.AllPublishedAsync(cluster, "the 50 events are in Redis");

        output.WriteLine(report.ToString());
        report.AssertOk();
        Assert.Equal(2, report.Identifies);
        Assert.Equal(0, report.Resumes);
        Assert.True(report.Published >= 50, $"only {report.Published} events published; the 50 emitted were not all delivered");
    }

    [Fact]
    public async Task Stopping_silos_one_by_one_moves_their_shards_without_losing_or_duplicating_events()
    {
        const int Shards = 6;
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions { Silos = 3, Shards = Shards });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, ClusterWaits.Timeout);

        var silos = cluster.Cluster.Silos.Select(s => s.SiloAddress).ToList();
        await Eventually.TrueAsync(
            async () =>
            {
                var counts = (await cluster.PlacementAsync()).Values.GroupBy(s => s).Select(g => g.Count()).ToArray();
                return counts.Length == silos.Count && counts.Max() - counts.Min() <= 1;
            },
            ClusterWaits.Timeout,
            "the shards are spread over the three silos (rebalanced after the joins)");
        await ClusterWaits.AllActiveOnAsync(cluster, silos, "every shard is Active after the rebalance");

        cluster.Simulator.EmitMany(100);
        var report = await ClusterWaits.AllPublishedAsync(cluster, "the first 100 events are in Redis");
        var expectedResumes = report.Resumes;
        output.WriteLine($"before stops: {report}");

        foreach (var victim in cluster.Cluster.SecondarySilos.ToArray())
        {
            var moving = (await cluster.PlacementAsync()).Where(p => p.Value.Equals(victim.SiloAddress)).Select(p => p.Key).ToArray();
            expectedResumes += moving.Length;
            // Events keep flowing while the silo stops, so some arrive during the hand-off and must be replayed.
            cluster.Simulator.StartLoad(eventsPerSecond: 200);
            var stopwatch = Stopwatch.StartNew();
            await cluster.Cluster.StopSiloAsync(victim);
            var stopTook = stopwatch.Elapsed;
            silos.Remove(victim.SiloAddress);
            await ClusterWaits.AllActiveOnAsync(cluster, silos, $"the shards of {victim.SiloAddress} are Active elsewhere");
            var recovered = stopwatch.Elapsed;
            cluster.Simulator.StopLoad();

            var statuses = await cluster.ShardStatusesAsync();
            foreach (var moved in statuses.Where(s => moving.Contains(s.ShardId)))
            {
                output.WriteLine(
                    $"shard {moved.ShardId}: {moved.StartKind} on {moved.Silo}, hand-off gap {moved.HandoffGap?.TotalMilliseconds:0.0} ms");
                Assert.Equal(Sharder.Grains.Interfaces.Models.ShardStartKind.Migration, moved.StartKind);
            }

            output.WriteLine($"stopped {victim.SiloAddress} ({moving.Length} shards) in {stopTook.TotalMilliseconds:0} ms; all Active again after {recovered.TotalMilliseconds:0} ms");

            cluster.Simulator.EmitMany(100);
            report = await ClusterWaits.AllPublishedAsync(cluster, $"the events after stopping {victim.SiloAddress} are in Redis");
            output.WriteLine(report.ToString());
        }

        report.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(Shards, report.Identifies);
        Assert.Equal(expectedResumes, report.Resumes);
        output.WriteLine($"max time to recover (simulator): {report.MaxTimeToRecover.TotalMilliseconds:0} ms");
    }
}
