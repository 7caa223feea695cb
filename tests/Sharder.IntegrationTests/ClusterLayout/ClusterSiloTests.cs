using Sharder.IntegrationTests.Cluster;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.ClusterLayout;

/// <summary>
/// Real silos (TestCluster with AddSharder: Orleans membership and grain directory, the identify ledger, shard grains
/// and their checkpoints) on a real 3-primary Redis Cluster with <c>Redis:Output:KeyLayout=Cluster</c>: every event the
/// gateway sent is in its shard's list exactly once, also after a silo stops and its shards resume elsewhere.
/// </summary>
public sealed class ClusterSiloTests(RedisClusterFixture redis, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task Silos_on_Redis_Cluster_publish_each_event_once_per_shard_list_across_a_silo_stop()
    {
        const int Shards = 4;
        await using var cluster = await ShardCluster.StartAsync(redis.ConnectionString, new ShardClusterOptions
        {
            Silos = 2,
            Shards = Shards,
            Settings = new Dictionary<string, string?> { ["Redis:Output:KeyLayout"] = "Cluster" },
        });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, ClusterWaits.Timeout);
        Assert.Equal(Shards, cluster.EventLists.Count);

        cluster.Simulator.EmitMany(100);
        var report = await ClusterWaits.AllPublishedAsync(cluster, "the first 100 events are in the shards' lists");
        output.WriteLine($"before the stop: {report}");

        var victim = cluster.Cluster.SecondarySilos.Single();
        await cluster.Cluster.StopSiloAsync(victim);
        await ClusterWaits.AllActiveOnAsync(cluster, [cluster.Cluster.Primary!.SiloAddress], "every shard is Active on the remaining silo");
        cluster.Simulator.EmitMany(100);
        report = await ClusterWaits.AllPublishedAsync(cluster, "the events after the stop are in the shards' lists");

        output.WriteLine(report.ToString());
        report.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(Shards, report.Identifies);
        Assert.Equal(0, await cluster.Redis.ListLengthAsync($"{cluster.KeyPrefix}:events"));
    }
}
