using Sharder.Grains.Gateway;
using Sharder.IntegrationTests.Sink;
using Sharder.Simulator.Faults;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.IntegrationTests.ClusterLayout;

/// <summary>
/// Shards on the simulator publishing through the Cluster key layout into a real 3-primary Redis Cluster: each shard's
/// events land once, in order, on its own list in its own slot; a gateway resume and a restart from the checkpoint
/// (a new activation) duplicate and lose nothing.
/// </summary>
public sealed class ClusterLayoutTests(RedisClusterFixture redis, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    private const int Shards = 4;

    [Fact]
    public async Task Every_shard_publishes_each_event_once_in_its_own_slot_across_a_resume_and_a_restart_from_the_checkpoint()
    {
        await using var shards = await ClusterShards.StartAsync(redis.ConnectionString, Shards, output);
        await shards.WaitDeliveredAsync("every shard is Active after READY and the guilds reach Redis");
        for (int shardId = 0; shardId < Shards; shardId++)
        {
            shards.EmitMessages(200, shardId);
        }

        await shards.WaitDeliveredAsync("the first messages reach Redis");

        // The gateway drops every connection (resumable): each shard resumes and the replay must not duplicate.
        Assert.Equal(Shards, shards.Scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Close, CloseCode = 4000 }));
        for (int shardId = 0; shardId < Shards; shardId++)
        {
            shards.EmitMessages(100, shardId);
        }

        await shards.WaitDeliveredAsync("every shard resumed and delivered the replay and the new messages");

        // Shard 1 stops (as a deactivation) and starts again from what Redis's checkpoint says, as a new activation does.
        await shards.StopShardAsync(1);
        shards.EmitMessages(100, 1);
        var checkpoint = await shards.Publisher.ReadCheckpointAsync(1);
        Assert.NotNull(checkpoint);
        await shards.StartShardAsync(1, checkpoint.Session);
        await shards.WaitDeliveredAsync("shard 1 resumed from its checkpoint and delivered what it missed");

        var primaries = new HashSet<int>();
        for (int shardId = 0; shardId < Shards; shardId++)
        {
            var sequences = await shards.SequencesAsync(shardId);
            var status = shards.Connection(shardId).Status;
            output.WriteLine($"shard {shardId}: {sequences.Count} events on {shards.EventsKey(shardId)}, last seq {status.LastSequence}");
            Assert.Equal(TestEvents.Range(1, status.LastSequence!.Value), sequences);
            var markers = (await TestEvents.ReadJsonListAsync(shards.Database, shards.EventsKey(shardId)))
                .Where(e => e.TryGetProperty("marker", out _)).Select(e => e.GetProperty("marker").GetString()).ToList();
            Assert.Contains("resumed", markers);
            Assert.DoesNotContain("resynced", markers);
            Assert.Equal(status.LastSequence, (await shards.Publisher.ReadCheckpointAsync(shardId))!.Session.Sequence);
            primaries.Add(await redis.Cluster.PrimaryPortOfAsync(shards.EventsKey(shardId)));
        }

        Assert.True(primaries.Count >= 2, $"the shards' keys spread over more than one primary ({primaries.Count})");
        // No shared list: the Standalone layout's {prefix}:events stays empty.
        Assert.Equal(0, await shards.Database.ListLengthAsync($"{shards.Prefix}:events"));
    }
}
