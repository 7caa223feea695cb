using System.Diagnostics;
using Sharder.IntegrationTests.Sink;
using Xunit.Abstractions;
using ThrowAwayCluster = Sharder.TestKit.Redis.RedisCluster;

namespace Sharder.IntegrationTests.ClusterLayout;

/// <summary>
/// A primary of a real Redis Cluster is killed (SIGKILL) while shards publish under steady load; its replica takes
/// over. Every event still lands exactly once and in order (the envelope sequences prove it), and publishing resumes.
/// Owns its cluster: the kill leaves it one node short.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private const int Shards = 2;
    private static readonly TimeSpan _tick = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task Killing_the_primary_of_a_shards_slot_under_load_loses_and_duplicates_no_event_and_publishing_resumes()
    {
        await using var cluster = new ThrowAwayCluster();
        await cluster.StartAsync();
        await using var shards = await ClusterShards.StartAsync(cluster.ConnectionString, Shards, output);
        await shards.WaitDeliveredAsync("every shard is Active after READY and the guilds reach Redis");

        // Steady load: 5 messages per shard every 20 ms (about 250 events/s per shard).
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                for (int shardId = 0; shardId < Shards; shardId++)
                {
                    shards.EmitMessages(5, shardId);
                }

                await Task.Delay(_tick, CancellationToken.None);
            }
        });

        await Eventually(() => shards.Connection(0).Status.LastDeliveredSequence > 200, "shard 0 publishes under load");
        var victim = await cluster.KillPrimaryOfAsync(shards.EventsKey(0));
        var killed = Stopwatch.StartNew();
        long deliveredAtKill = shards.Connection(0).Status.LastDeliveredSequence ?? 0;

        // Publishing resumed once shard 0 delivers an event it had not delivered when its primary died.
        await Eventually(
            () => shards.Connection(0).Status.LastDeliveredSequence > deliveredAtKill + 50, "shard 0 publishes again after the failover");
        var resumedAfter = killed.Elapsed;
        await Eventually(() => killed.Elapsed > resumedAfter + TimeSpan.FromSeconds(1), "the load runs a moment longer on the new primary");
        await stopLoad.CancelAsync();
        await load;
        await shards.WaitDeliveredAsync("everything read reaches Redis");
        await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));

        output.WriteLine($"killed the primary on port {victim.Port}; shard 0 published again {resumedAfter.TotalMilliseconds:0} ms later "
            + $"(node timeout {ThrowAwayCluster.NodeTimeout.TotalMilliseconds:0} ms)");
        for (int shardId = 0; shardId < Shards; shardId++)
        {
            var sequences = await shards.SequencesAsync(shardId);
            var status = shards.Connection(shardId).Status;
            output.WriteLine($"shard {shardId}: {sequences.Count} events, last seq {status.LastSequence}");
            Assert.Equal(TestEvents.Range(1, status.LastSequence!.Value), sequences);
            Assert.Equal(status.LastSequence, (await shards.Publisher.ReadCheckpointAsync(shardId))!.Session.Sequence);
        }
    }

    private static Task Eventually(Func<bool> condition, string because)
        => Sharder.TestKit.Eventually.TrueAsync(condition, ClusterShards.Timeout, because);
}
