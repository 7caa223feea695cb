using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Commands;
using Sharder.Grains.Sink;
using Sharder.IntegrationTests.Commands;
using Sharder.TestKit;
using StackExchange.Redis;
using Xunit.Abstractions;
using ThrowAwayCluster = Sharder.TestKit.Redis.RedisCluster;

namespace Sharder.IntegrationTests.ClusterLayout;

/// <summary>
/// The command pump in the Cluster key layout against a real Redis Cluster: one BLPOP waits on every hosted shard's
/// list and the guild-routed list (they share the hash tag {prefix}, so no CROSSSLOT), on the primary that owns that
/// slot; when that primary is killed the pump finds the promoted replica and commands flow again.
/// </summary>
public sealed class ClusterCommandPumpTests(ITestOutputHelper output)
{
    private const int ShardCount = 4;
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Commands_of_every_shard_reach_their_shard_through_one_BLPOP_and_again_after_the_primary_is_killed()
    {
        await using var cluster = new ThrowAwayCluster();
        await cluster.StartAsync();
        await using var redis = await ClusterShards.ConnectAsync(cluster.ConnectionString);
        var prefix = Sink.TestRedis.UniquePrefix("cluster-commands");
        var keys = new CommandKeys(prefix, RedisKeyLayout.Cluster);
        var shards = new RecordingShards();
        // The first configured address answers nothing (a node that is down); the pump asks the other configured nodes
        // (not necessarily the owner) where the slot lives.
        var down = new RespEndpoint(new IPEndPoint(IPAddress.Loopback, FreePort()));
        var others = cluster.Nodes.Select(node => new RespEndpoint(new IPEndPoint(IPAddress.Loopback, node.Port))).ToList();
        var options = new CommandPumpOptions { KeyPrefix = prefix, KeyLayout = RedisKeyLayout.Cluster, ReconnectMaxDelay = TimeSpan.FromMilliseconds(500) };
        await using var pump = new CommandPump(down, options, shards.Enqueue, TimeProvider.System, NullLogger<CommandPump>.Instance, clusterSeeds: others);
        pump.Start();
        for (int shardId = 0; shardId < ShardCount; shardId++)
        {
            pump.Host(shardId, ShardCount);
        }

        await Eventually.TrueAsync(() => pump.ListeningVersion == pump.HostedVersion, _timeout, "the pump's BLPOP waits on every hosted list");
        for (int shardId = 0; shardId < ShardCount; shardId++)
        {
            await redis.GetDatabase().ListRightPushAsync(keys.ForShard(shardId), Command($"to-{shardId}"));
        }

        // guild_id 1 << 22 belongs to shard 1 of 4.
        await redis.GetDatabase().ListRightPushAsync(keys.GuildRouted, """{"op":4,"d":{"guild_id":"4194304","channel_id":null,"self_mute":false,"self_deaf":false}}""");
        var delivered = new List<(int ShardId, string Text)>();
        for (int i = 0; i <= ShardCount; i++)
        {
            var delivery = await shards.NextDeliveredAsync(_timeout, $"command {i} reaches its shard");
            delivered.Add((delivery.ShardId, delivery.Text));
        }

        Assert.Equal(
            [0, 1, 1, 2, 3],
            delivered.Select(d => d.ShardId).Order());
        Assert.All(Enumerable.Range(0, ShardCount), shardId => Assert.Contains((shardId, Command($"to-{shardId}")), delivered));

        var killed = await cluster.KillPrimaryOfAsync(keys.GuildRouted);
        var clock = Stopwatch.StartNew();
        // The worker's own multiplexer retries the push until the replica took over; the pump must find it too.
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await redis.GetDatabase().ListRightPushAsync(keys.ForShard(2), Command("after-failover"));
                    return true;
                }
                catch (RedisException)
                {
                    return false;
                }
            },
            _timeout,
            "a worker can push a command again");
        var after = await shards.NextDeliveredAsync(_timeout, "the command pushed after the failover reaches shard 2");
        output.WriteLine($"killed the primary on port {killed.Port} owning the command lists; a command pushed after the failover reached "
            + $"its shard {clock.ElapsedMilliseconds} ms after the kill");
        Assert.Equal((2, Command("after-failover")), (after.ShardId, after.Text));
        Assert.Equal(0, await redis.GetDatabase().ListLengthAsync(keys.ForShard(2)));
    }

    private static string Command(string tag) => CommandPumpTests.Command(tag);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
