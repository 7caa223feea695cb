using System.Globalization;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;
using Sharder.IntegrationTests.Cluster;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Commands;

/// <summary>Commands queued on a shard when it moves to another silo: neither lost, nor sent twice, nor reordered.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class CommandMigrationTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task CommandsQueuedOnAMovingShard_AreSentOnceEach_InOrder_ByItsNextActivation()
    {
        // More than one connection's rate limit (120 per 60 s less the heartbeat reserve), so some are still
        // queued on the shard when it moves.
        const int Count = 160;
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 2,
            Shards = 1,
            RebalanceOnJoin = false,
        });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(1, ClusterWaits.Timeout);
        var from = (await cluster.PlacementAsync())[0];
        var to = cluster.Cluster.GetActiveSilos().Select(s => s.SiloAddress).First(s => !s.Equals(from));

        string Tag(int i) => string.Create(CultureInfo.InvariantCulture, $"moving-{i:D3}");
        await cluster.Redis.ListRightPushAsync($"{cluster.KeyPrefix}:to:0", [.. Enumerable.Range(0, Count).Select(i => (RedisValue)CommandPumpTests.Command(Tag(i)))]);
        await Eventually.TrueAsync(
            async () => await cluster.Redis.ListLengthAsync($"{cluster.KeyPrefix}:to:0") == 0 && Sent(cluster).Count >= 90,
            ClusterWaits.Timeout,
            "the pump took every command and the shard sent what its rate limit allows");
        var sentBeforeMove = Sent(cluster).Count;
        Assert.True(sentBeforeMove < Count, "every command went out before the move; the test needs some still queued");

        await cluster.Cluster.GrainFactory.GetShard(new ShardRef(0, 1)).MoveToAsync(to);
        await cluster.Simulator.WaitUntilAsync(_ => Sent(cluster).Count >= Count, ClusterWaits.Timeout, $"all {Count} commands reached the gateway");

        var sent = Sent(cluster);
        output.WriteLine($"{sentBeforeMove} commands sent before the move, {Count - sentBeforeMove} queued and sent by the next activation on {to}");
        Assert.Equal(Enumerable.Range(0, Count).Select(Tag), sent);
        Assert.Equal(to, (await cluster.PlacementAsync())[0]);
        Assert.Equal(0, await cluster.Redis.ListLengthAsync($"{cluster.KeyPrefix}:commands:dead"));
    }

    /// <summary>The tags of the test's commands the gateway received, in arrival order.</summary>
    private static List<string> Sent(ShardCluster cluster)
        => [.. cluster.Simulator.Commands
            .Select(c => c.Json)
            .Where(j => j.Contains("moving-", StringComparison.Ordinal))
            .Select(j => j.Substring(j.IndexOf("moving-", StringComparison.Ordinal), "moving-000".Length))];
}
