using Sharder.Grains.Interfaces.Models;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// The operator's moves (what <c>/admin/</c> calls) over a real in-process cluster against the simulated Discord:
/// a moved shard resumes on its new silo (no Identify, no event lost or doubled), and a drained silo is emptied
/// and gets no shard back, not even when another silo stops and its shards land at random.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class AdminMoveTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task Moving_a_shard_hands_its_session_over_and_resumes_on_the_target()
    {
        const int Shards = 2;
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions { Silos = 2, Shards = Shards });
        var silos = await StartSpreadAsync(cluster, Shards);

        cluster.Simulator.EmitMany(50);
        var before = await ClusterWaits.AllPublishedAsync(cluster, "the first 50 events are in Redis");
        var home = (await cluster.PlacementAsync())[0];

        cluster.Simulator.StartLoad(eventsPerSecond: 200);
        var away = await cluster.Supervisor.MoveShardAsync(0, target: null);
        Assert.Equal(ShardMoveOutcome.Moving, away.Outcome);
        Assert.Equal(home, away.From);
        Assert.NotNull(away.To);
        Assert.NotEqual(home, away.To);
        await ShardActiveOnAsync(cluster, 0, away.To, "shard 0 resumed on the least loaded other silo");

        var back = await cluster.Supervisor.MoveShardAsync(0, home);
        Assert.Equal(ShardMoveOutcome.Moving, back.Outcome);
        Assert.Equal(home, back.To);
        await ShardActiveOnAsync(cluster, 0, home, "shard 0 resumed on the silo named as target");
        cluster.Simulator.StopLoad();

        Assert.Equal(ShardMoveOutcome.AlreadyThere, (await cluster.Supervisor.MoveShardAsync(0, home)).Outcome);
        Assert.Equal(ShardMoveOutcome.UnknownShard, (await cluster.Supervisor.MoveShardAsync(Shards + 5, null)).Outcome);
        Assert.Equal(ShardMoveOutcome.TargetNotActive, (await cluster.Supervisor.MoveShardAsync(1, Stranger(silos[0]))).Outcome);

        cluster.Simulator.EmitMany(50);
        var report = await ClusterWaits.AllPublishedAsync(cluster, "the events after both moves are in Redis");
        output.WriteLine(report.ToString());
        report.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(Shards, report.Identifies);
        Assert.Equal(before.Resumes + 2, report.Resumes);
    }

    [Fact]
    public async Task A_drained_silo_is_emptied_and_gets_no_shard_back()
    {
        const int Shards = 6;
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions { Silos = 3, Shards = Shards });
        await StartSpreadAsync(cluster, Shards);
        var drained = cluster.Cluster.SecondarySilos[0];
        var stopping = cluster.Cluster.SecondarySilos[1];
        var primary = cluster.Cluster.Primary!.SiloAddress;
        var onDrained = (await cluster.PlacementAsync()).Where(p => p.Value.Equals(drained.SiloAddress)).Select(p => p.Key).Order().ToArray();
        Assert.NotEmpty(onDrained);

        cluster.Simulator.StartLoad(eventsPerSecond: 200);
        var drain = await cluster.Supervisor.DrainSiloAsync(drained.SiloAddress);
        Assert.Equal(SiloDrainOutcome.Drained, drain.Outcome);
        Assert.Equal(onDrained, drain.Moves.Select(m => m.ShardId));
        Assert.All(drain.Moves, move =>
        {
            Assert.Equal(ShardMoveOutcome.Moving, move.Outcome);
            Assert.NotEqual(drained.SiloAddress, move.To);
        });
        await ClusterWaits.AllActiveOnAsync(cluster, [primary, stopping.SiloAddress], "every shard left the drained silo");

        var again = await cluster.Supervisor.DrainSiloAsync(drained.SiloAddress);
        Assert.Equal(SiloDrainOutcome.Drained, again.Outcome);
        Assert.Empty(again.Moves);
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Supervisor.RebalanceAsync();
        Assert.DoesNotContain(drained.SiloAddress, (await cluster.PlacementAsync()).Values);
        Assert.Equal(drained.SiloAddress, Assert.Single((await cluster.Supervisor.GetStatusAsync()).DrainedSilos));

        // The stopping silo's shards migrate to a random silo, the drained one included; the supervisor sends
        // those on, and keeps its drained list even if it ran on the stopping silo.
        await cluster.Cluster.StopSiloAsync(stopping);
        await ClusterWaits.AllActiveOnAsync(cluster, [primary], "every shard runs on the one open silo");
        cluster.Simulator.StopLoad();
        Assert.Equal(drained.SiloAddress, Assert.Single((await cluster.Supervisor.GetStatusAsync()).DrainedSilos));
        Assert.Equal(SiloDrainOutcome.NoOtherSilo, (await cluster.Supervisor.DrainSiloAsync(primary)).Outcome);

        cluster.Simulator.EmitMany(100);
        var report = await ClusterWaits.AllPublishedAsync(cluster, "the events after the drain and the stop are in Redis");
        output.WriteLine(report.ToString());
        report.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(Shards, report.Identifies);
    }

    /// <summary>Starts the shards and waits until they are spread over every silo (rebalanced after the joins) and Active.</summary>
    private static async Task<List<SiloAddress>> StartSpreadAsync(ShardCluster cluster, int shards)
    {
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(shards, ClusterWaits.Timeout);
        var silos = cluster.Cluster.Silos.Select(s => s.SiloAddress).ToList();
        await Eventually.TrueAsync(
            async () =>
            {
                var counts = (await cluster.PlacementAsync()).Values.GroupBy(s => s).Select(g => g.Count()).ToArray();
                return counts.Length == silos.Count && counts.Max() - counts.Min() <= 1;
            },
            ClusterWaits.Timeout,
            "the shards are spread over every silo (rebalanced after the joins)");
        await ClusterWaits.AllActiveOnAsync(cluster, silos, "every shard is Active after the rebalance");
        return silos;
    }

    private static Task ShardActiveOnAsync(ShardCluster cluster, int shardId, SiloAddress silo, string because)
        => Eventually.TrueAsync(
            async () => (await cluster.ShardStatusesAsync()).Any(s =>
                s.ShardId == shardId && s.Silo.Equals(silo) && s.ConnectionState == "Active" && s.StartKind == ShardStartKind.Migration),
            ClusterWaits.Timeout,
            because);

    /// <summary>An address no silo has: a live silo's endpoint with another generation.</summary>
    private static SiloAddress Stranger(SiloAddress silo) => SiloAddress.New(silo.Endpoint, silo.Generation + 1);
}
