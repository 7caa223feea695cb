using System.Globalization;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.World;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// A cluster in the sharder-binary output format with the default key prefix works with a worker written
/// for sharder-binary: every dispatch reaches <c>sharder:from</c> once, and commands pushed to
/// <c>sharder:to:{shard}</c> or the guild-routed <c>sharder:commands</c> reach the right shard's gateway.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class SharderBinaryCompatibilityTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const string Prefix = "sharder";
    private const int Shards = 3;

    [Fact]
    public async Task A_sharder_binary_worker_receives_every_dispatch_and_its_commands_reach_the_gateway()
    {
        await DeleteLeftoverKeysAsync();
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 2,
            Shards = Shards,
            MaxConcurrency = Shards,
            KeyPrefix = Prefix,
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
            Settings = new Dictionary<string, string?> { ["Redis:Output:Format"] = "SharderBinary" },
        });
        await using var worker = new SharderBinaryWorker(redis.ConnectionString, $"{Prefix}:from");
        worker.Start();

        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, ClusterWaits.Timeout);
        cluster.Simulator.EmitMany(300);
        var report = await WorkerReceivedEverythingAsync(cluster, worker);

        output.WriteLine($"worker popped {worker.Records.Count} dispatches, {worker.Bytes} bytes; problems: {worker.Problems.Count}");
        output.WriteLine(report.ToString());
        Assert.Empty(worker.Problems);
        report.AssertOk();
        Assert.Equal(Shards, report.Identifies);
        Assert.Equal(0, await cluster.Redis.ListLengthAsync($"{Prefix}:events"));

        // A command for one shard, pushed where a sharder-binary worker pushes it.
        const int TargetShard = 1;
        var guild = GuildOn(cluster, TargetShard, 0);
        var started = TimeProvider.System.GetUtcNow();
        await cluster.Redis.ListRightPushAsync($"{Prefix}:to:{TargetShard}", VoiceStateUpdate(guild));
        var direct = await cluster.Simulator.WaitForCommandAsync(c => c.Op == 4 && c.ShardId == TargetShard && c.Json.Contains(guild, StringComparison.Ordinal), ClusterWaits.Timeout);
        output.WriteLine($"sharder:to:{TargetShard} -> gateway of shard {direct.ShardId}: {(direct.At - started).TotalMilliseconds:0.0} ms");

        // A guild-routed command goes to the shard that owns the guild, whichever silo pops it.
        const int RoutedShard = 2;
        var routedGuild = GuildOn(cluster, RoutedShard, 1);
        started = TimeProvider.System.GetUtcNow();
        await cluster.Redis.ListRightPushAsync($"{Prefix}:commands", VoiceStateUpdate(routedGuild));
        var routed = await cluster.Simulator.WaitForCommandAsync(c => c.Op == 4 && c.Json.Contains(routedGuild, StringComparison.Ordinal), ClusterWaits.Timeout);
        output.WriteLine($"sharder:commands (guild {routedGuild}) -> gateway of shard {routed.ShardId}: {(routed.At - started).TotalMilliseconds:0.0} ms");

        Assert.Equal(RoutedShard, routed.ShardId);
        Assert.Equal(2, cluster.Simulator.Commands.Count(c => c.Op == 4));
        Assert.Equal(0, await cluster.Redis.ListLengthAsync($"{Prefix}:to:{TargetShard}"));
        Assert.Equal(0, await cluster.Redis.ListLengthAsync($"{Prefix}:commands"));
    }

    private static async Task<InvariantReport> WorkerReceivedEverythingAsync(ShardCluster cluster, SharderBinaryWorker worker)
    {
        InvariantReport? report = null;
        try
        {
            await Eventually.TrueAsync(
                () =>
                {
                    report = cluster.Simulator.Check(worker.Records);
                    return Task.FromResult(report.Ok && report.RoutedNeverSent == 0);
                },
                ClusterWaits.Timeout,
                "the worker popped every dispatch the simulator sent");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Last report: {report}{Environment.NewLine}{string.Join(Environment.NewLine, report?.Violations.Take(10) ?? [])}", ex);
        }

        return report!;
    }

    private static string GuildOn(ShardCluster cluster, int shardId, int index)
        => cluster.Simulator.World.Guilds
            .Where(g => Snowflake.ShardFor(g.Id, Shards) == shardId)
            .Skip(index)
            .First().Id.ToString(CultureInfo.InvariantCulture);

    private static string VoiceStateUpdate(string guildId)
        => $$$"""{"op":4,"d":{"guild_id":"{{{guildId}}}","channel_id":null,"self_mute":false,"self_deaf":false}}""";

    /// <summary>The fixed prefix is shared by every run against this Redis; start from empty lists and checkpoints.</summary>
    private async Task DeleteLeftoverKeysAsync()
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var database = connection.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: $"{Prefix}:*"))
        {
            await database.KeyDeleteAsync(key);
        }
    }
}
