using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sharder.Grains.Commands;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.Sessions;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Redis goes away for longer than the shard buffers last and comes back empty (no persistence): the
/// shards stop reading, close resumably, wait, resume, and every event reaches Redis exactly once.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class RedisOutageTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const int Shards = 2;
    private const int SinkBufferLimit = 16;
    private const int EmittedDuringOutage = 400;

    /// <summary>Long enough that a reconnect backoff growing past a second would show in the recovery time.</summary>
    private static readonly TimeSpan _outageLength = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task A_redis_outage_longer_than_the_shard_buffers_loses_and_duplicates_nothing()
    {
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 2,
            Shards = Shards,
            MaxConcurrency = Shards,
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
            Settings = new Dictionary<string, string?>
            {
                ["Gateway:SinkBufferLimit"] = SinkBufferLimit.ToString(CultureInfo.InvariantCulture),
                ["Gateway:SinkStallTimeout"] = "00:00:00.500",
            },
        });
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, ClusterWaits.Timeout);

        cluster.Simulator.StartLoad(eventsPerSecond: 200);
        await Eventually.TrueAsync(
            async () => (await cluster.PublishedAsync()).Count >= 100, ClusterWaits.Timeout, "the load reaches Redis");

        // Redis restarts empty: read what it holds first, with writes paused so nothing lands after the read.
        await PauseWritesAsync();
        var beforeOutage = await cluster.PublishedAsync();
        var checkpointBefore = await CheckpointAsync(cluster, 0);
        var outage = Stopwatch.StartNew();
        await redis.StopAsync();

        await cluster.Simulator.WaitUntilAsync(
            s => Enumerable.Range(0, Shards).All(shard => s.Connections(includeClosed: true)
                    .Any(c => c.ShardId == shard && c.ClientCloseCode == 4000))
                && s.Sessions().All(session => session.State == SessionState.Detached),
            ClusterWaits.Timeout,
            "every shard closed with 4000 and its session is detached (resumable)");
        var closedAfter = outage.Elapsed;
        cluster.Simulator.StopLoad();
        cluster.Simulator.EmitMany(EmittedDuringOutage);
        var buffered = cluster.Simulator.Sessions().Sum(s => s.BufferDepth);

        // The fault is held for a set time; nothing is waited for here.
        var held = _outageLength - outage.Elapsed;
        if (held > TimeSpan.Zero)
        {
            await Task.Delay(held);
        }

        await redis.StartAsync();
        var restarted = outage.Elapsed;
        // Redis restarted empty: the first event in the list is the first one published after the outage.
        await Eventually.TrueAsync(
            async () => (await cluster.PublishedAsync()).Count > 0, ClusterWaits.Timeout, "events flow again after the outage");
        var flowingAfter = outage.Elapsed - restarted;
        var report = await AllPublishedAsync(cluster, beforeOutage, "every event is in Redis after the outage");
        var drained = outage.Elapsed;

        // The shards run on after the outage: new events still arrive, on the same sessions.
        cluster.Simulator.EmitMany(100);
        report = await AllPublishedAsync(cluster, beforeOutage, "the events after the outage are in Redis");

        var checkpointAfter = await CheckpointAsync(cluster, 0);
        var resumesAfterOutage = report.Resumes;

        // Redis lost every checkpoint: each shard says so once, at the position it had reached, and goes on.
        var resynced = await ResyncedMarkersAsync(cluster);

        // Redis also forgot the identify ledger: a new session must still get a slot.
        var reidentify = Stopwatch.StartNew();
        cluster.Simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSession, ShardId = 0, Resumable = false });
        cluster.Simulator.EmitMany(50);
        var final = await AllPublishedAsync(cluster, beforeOutage, "shard 0's new session and the events after it are in Redis", Shards + 1);
        var reidentified = reidentify.Elapsed;
        var coordinator = await cluster.Coordinator.GetStatusAsync();
        var shards = await cluster.ShardStatusesAsync();
        output.WriteLine($"before the outage: {beforeOutage.Count} dispatches read; shard 0 checkpoint {checkpointBefore}");
        output.WriteLine($"all shards closed 4000 after {closedAfter.TotalMilliseconds:0} ms; {EmittedDuringOutage} events emitted during the outage "
            + $"({buffered} held by the simulator for replay); Redis back after {restarted.TotalMilliseconds:0} ms; all published after {drained.TotalMilliseconds:0} ms "
            + $"(events flowing {flowingAfter.TotalMilliseconds:0} ms and all published {(drained - restarted).TotalMilliseconds:0} ms after Redis came back)");
        output.WriteLine($"shard 0 checkpoint after the restart: {checkpointAfter}");
        foreach (var shard in shards.OrderBy(s => s.ShardId))
        {
            output.WriteLine($"shard {shard.ShardId}: {shard.ConnectionState} on {shard.Silo}, epoch {shard.Epoch}, {shard.StartKind}, resumes {shard.Resumes}, identifies {shard.Identifies}, fenced {shard.IsFenced}");
        }

        output.WriteLine(report.ToString());
        output.WriteLine($"shard 0 re-identified after a non-resumable op 9 in {reidentified.TotalMilliseconds:0} ms; coordinator: grants {coordinator.Grants}, "
            + $"refusals {coordinator.Refusals}, remaining {coordinator.Remaining}/{coordinator.Total}");
        output.WriteLine(final.ToString());
        report.AssertOk();
        final.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(Shards, report.Identifies);
        Assert.True(resumesAfterOutage >= Shards, $"only {resumesAfterOutage} resumes for {Shards} shards that closed resumably");
        Assert.Equal(Shards + 1, final.Identifies);
        Assert.Equal(0, final.IdentifyViolations);
        Assert.True(report.CountCloses(byServer: false, code: 4000) >= Shards, "not every shard closed with 4000");
        Assert.True(report.Published >= beforeOutage.Count + EmittedDuringOutage, $"only {report.Published} events published");
        Assert.Equal(Enumerable.Range(0, Shards), resynced.Select(m => m.GetProperty("shard").GetInt32()).Order());
        Assert.All(resynced, m => Assert.Equal(JsonValueKind.Null, m.GetProperty("checkpoint_session").ValueKind));
        Assert.All(resynced, m => Assert.True(m.GetProperty("seq").GetInt64() >= 0, m.GetRawText()));
        Assert.All(shards, s => Assert.Equal("Active", s.ConnectionState));
        Assert.All(shards, s => Assert.False(s.IsFenced, $"shard {s.ShardId} was fenced by the emptied checkpoint"));
    }

    /// <summary>Waits until what was read before the outage plus the list now hold every sent event exactly once.</summary>
    private static async Task<InvariantReport> AllPublishedAsync(
        ShardCluster cluster, IReadOnlyList<SinkRecord> beforeOutage, string because, int identifies = Shards)
    {
        InvariantReport? report = null;
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    IReadOnlyList<SinkRecord> published = [.. beforeOutage, .. await cluster.PublishedAsync()];
                    report = cluster.Simulator.Check(published);
                    return report.Ok && report.RoutedNeverSent == 0 && report.Identifies == identifies;
                },
                ClusterWaits.Timeout,
                because);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Last report: {report}{Environment.NewLine}{string.Join(Environment.NewLine, report?.Violations.Take(10) ?? [])}", ex);
        }

        return report!;
    }

    private static async Task<List<JsonElement>> ResyncedMarkersAsync(ShardCluster cluster)
    {
        var values = await cluster.Redis.ListRangeAsync($"{cluster.KeyPrefix}:events");
        return
        [
            .. values
                .Select(value => JsonDocument.Parse((byte[])value!).RootElement.Clone())
                .Where(e => e.TryGetProperty("marker", out var marker) && marker.GetString() == "resynced"),
        ];
    }

    private static async Task<string> CheckpointAsync(ShardCluster cluster, int shardId)
    {
        var fields = await cluster.Redis.HashGetAllAsync($"{cluster.KeyPrefix}:shard:{shardId}:checkpoint");
        return fields.Length == 0 ? "(none)" : string.Join(" ", fields.OrderBy(f => f.Name.ToString(), StringComparer.Ordinal).Select(f => $"{f.Name}={f.Value}"));
    }

    /// <summary>CLIENT PAUSE WRITE: push scripts wait in Redis (and die with it) instead of landing after the last read.</summary>
    private async Task PauseWritesAsync()
    {
        var endpoint = RespEndpoint.FromConfiguration(ConfigurationOptions.Parse(redis.ConnectionString));
        using var connection = await RespConnection.ConnectAsync(endpoint, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);
        (await connection.ExecuteAsync(["CLIENT", "PAUSE", "60000", "WRITE"], TimeSpan.FromSeconds(5), CancellationToken.None)).ThrowIfError();
    }
}
