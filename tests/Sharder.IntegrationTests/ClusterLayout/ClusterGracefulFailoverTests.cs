using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Commands;
using Sharder.Grains.Sink;
using Sharder.IntegrationTests.Commands;
using Sharder.IntegrationTests.Sink;
using Sharder.TestKit;
using StackExchange.Redis;
using Xunit.Abstractions;
using ThrowAwayCluster = Sharder.TestKit.Redis.RedisCluster;

namespace Sharder.IntegrationTests.ClusterLayout;

/// <summary>
/// A graceful failover (CLUSTER FAILOVER): the old primary stays up as a replica and answers MOVED (or unblocks a
/// blocked client) for the slots it gave away. The publisher follows the slot and deduplicates a retried batch; the
/// command pump reconnects to the new primary, and a change of its hosted shards still wakes its BLPOP at once.
/// </summary>
public sealed class ClusterGracefulFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task After_a_graceful_failover_events_and_commands_follow_the_slot_to_the_new_primary()
    {
        await using var cluster = new ThrowAwayCluster();
        await cluster.StartAsync();
        await using var redis = await ClusterShards.ConnectAsync(cluster.ConnectionString);
        var prefix = TestRedis.UniquePrefix("graceful");
        var publisher = new RedisEventPublisher(redis, new RedisOutputOptions { KeyPrefix = prefix, KeyLayout = RedisKeyLayout.Cluster });
        var keys = new CommandKeys(prefix, RedisKeyLayout.Cluster);
        var shards = new RecordingShards();
        var options = new CommandPumpOptions
        {
            KeyPrefix = prefix, KeyLayout = RedisKeyLayout.Cluster, BlockTimeout = TimeSpan.FromSeconds(30), ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        };
        await using var pump = new CommandPump(
            new RespEndpoint(new IPEndPoint(IPAddress.Loopback, cluster.Nodes[^1].Port)), options, shards.Enqueue, TimeProvider.System, NullLogger<CommandPump>.Instance);
        pump.Start();
        pump.Host(0, 4);
        await Eventually.TrueAsync(() => pump.ListeningVersion == pump.HostedVersion, _timeout, "the pump listens on shard 0's list");
        pump.Host(1, 4); // opens the unblocking connection on the primary that is about to step down
        await Eventually.TrueAsync(() => pump.ListeningVersion == pump.HostedVersion, TimeSpan.FromSeconds(10), "the pump's BLPOP is woken for shard 1");

        long epoch = await publisher.AcquireEpochAsync(0);
        await publisher.PublishAsync(0, epoch, "s", null, TestEvents.Sequences("s", 1, 100));
        var eventsPrimary = await cluster.FailOverPrimaryOfAsync($"{prefix}:{{shard:0}}:checkpoint");
        var commandsPrimary = await cluster.FailOverPrimaryOfAsync(keys.GuildRouted);
        output.WriteLine($"shard 0's slot now on port {eventsPrimary}, the command lists' on port {commandsPrimary}");

        // A retry of an overlapping batch (as after an ambiguous failure) lands only what is new.
        var result = await publisher.PublishAsync(0, epoch, "s", null, TestEvents.Sequences("s", 51, 200));
        Assert.Equal(100, result.Pushed);
        Assert.Equal(TestEvents.Range(1, 200), await TestEvents.ReadSequencesAsync(redis.GetDatabase(), $"{prefix}:{{shard:0}}:events"));

        await Eventually.TrueAsync(() => pump.ListeningVersion == pump.HostedVersion, _timeout, "the pump listens again after the failover");
        await redis.GetDatabase().ListRightPushAsync(keys.ForShard(0), CommandPumpTests.Command("after"));
        Assert.Equal((0, CommandPumpTests.Command("after")), Tuple(await shards.NextDeliveredAsync(_timeout, "a command reaches shard 0 after the failover")));

        // BLPOP blocks for 30 s: only CLIENT UNBLOCK, sent to the node it waits on, wakes it for a new shard promptly.
        var clock = Stopwatch.StartNew();
        pump.Host(3, 4);
        await Eventually.TrueAsync(() => pump.ListeningVersion == pump.HostedVersion, TimeSpan.FromSeconds(10), "the pump's BLPOP is re-issued with shard 3");
        output.WriteLine($"re-listened with shard 3 after {clock.ElapsedMilliseconds} ms");
        await redis.GetDatabase().ListRightPushAsync(keys.ForShard(3), CommandPumpTests.Command("new"));
        Assert.Equal((3, CommandPumpTests.Command("new")), Tuple(await shards.NextDeliveredAsync(_timeout, "a command reaches shard 3")));
    }

    private static (int ShardId, string Text) Tuple(RecordingShards.Delivery delivery) => (delivery.ShardId, delivery.Text);
}
