using System.Globalization;
using System.Text.Json;
using Sharder.Grains.Interfaces.Models;
using Sharder.IntegrationTests.Cluster;
using Sharder.Simulator.Ledger;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Resharding;

/// <summary>
/// The setup and the reads the in-process resharding tests share: a <see cref="ShardCluster"/> whose runs poll fast,
/// started with every shard READY; the waits for a run's end and for load after it; what the event list holds.
/// </summary>
internal static class ReshardingCluster
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Events the simulator routes after a run (or a rollback) before a test stops the load.</summary>
    private const int LoadAfterTheRun = 200;

    /// <summary>
    /// Starts <paramref name="silos"/> silos running <paramref name="shards"/> shards with fast run settings (plus
    /// <paramref name="settings"/>), ensures the shards and, unless <paramref name="waitReady"/> is false, waits until
    /// every one is READY.
    /// </summary>
    public static async Task<ShardCluster> StartAsync(
        RedisServerFixture redis,
        int silos,
        int shards,
        string? keyPrefix = null,
        TimeSpan? identifyWindow = null,
        int? dailyIdentifyTotal = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool waitReady = true)
    {
        var defaults = new ShardClusterOptions();
        var fastRun = new Dictionary<string, string?>
        {
            ["Reshard:PollInterval"] = "00:00:00.200",
            ["Reshard:GuildTimeout"] = "00:00:05",
            ["Reshard:ReadyTimeout"] = "00:02:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            fastRun[key] = value;
        }

        var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = silos,
            Shards = shards,
            KeyPrefix = keyPrefix,
            IdentifyWindow = identifyWindow ?? defaults.IdentifyWindow,
            DailyIdentifyTotal = dailyIdentifyTotal ?? defaults.DailyIdentifyTotal,
            Settings = fastRun,
        });
        await cluster.Supervisor.EnsureShardsAsync();
        if (waitReady)
        {
            await cluster.Simulator.WaitForShardsReadyAsync(shards, ClusterWaits.Timeout);
        }

        return cluster;
    }

    /// <summary>Waits until the run ends (completed or rolled back) and returns it.</summary>
    public static async Task<ReshardRun> RunEndsAsync(ShardCluster cluster, string because)
    {
        ReshardRun? run = null;
        await Eventually.TrueAsync(
            async () => (run = await cluster.Supervisor.GetReshardAsync()) is { State: ReshardState.Completed or ReshardState.RolledBack },
            RunTimeout,
            because);
        return run!;
    }

    /// <summary>Lets events keep flowing through the generation in service for a while, then stops the load.</summary>
    public static async Task LoadContinuesThenStopsAsync(ShardCluster cluster, string because)
    {
        var before = cluster.Simulator.Ledger.RoutedCount;
        await Eventually.TrueAsync(() => Task.FromResult(cluster.Simulator.Ledger.RoutedCount > before + LoadAfterTheRun), ClusterWaits.Timeout, because);
        cluster.Simulator.StopLoad();
    }

    /// <summary>
    /// Waits until every MESSAGE_CREATE the simulator put in a session (of <paramref name="numShards"/> shards, or any)
    /// is in Redis; returns the produced uids and how often each published message id is there.
    /// </summary>
    public static async Task<(HashSet<long> Produced, Dictionary<long, int> Counts)> AllMessagesPublishedAsync(
        ShardCluster cluster, string because, int? numShards = null)
    {
        var produced = ProducedMessages(cluster.Simulator.Ledger.Snapshot(), numShards);
        Dictionary<long, int> counts = [];
        await Eventually.TrueAsync(
            async () =>
            {
                counts = await PublishedMessageCountsAsync(cluster);
                return produced.All(counts.ContainsKey);
            },
            ClusterWaits.Timeout,
            because);
        return (produced, counts);
    }

    /// <summary>Items of the event list(s) whose <c>marker</c> is <paramref name="kind"/>, as JSON text.</summary>
    public static async Task<List<string>> MarkersAsync(ShardCluster cluster, string kind)
    {
        var markers = new List<string>();
        foreach (var text in await EventTextsAsync(cluster))
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("marker", out var marker) && marker.GetString() == kind)
            {
                markers.Add(text);
            }
        }

        return markers;
    }

    /// <summary>Events published marked <c>"overlap":true</c>.</summary>
    public static async Task<int> OverlapCountAsync(ShardCluster cluster)
    {
        var count = 0;
        foreach (var text in await EventTextsAsync(cluster))
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("overlap", out var overlap) && overlap.GetBoolean())
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The start (120 characters) of every published item naming message <paramref name="id"/>.</summary>
    public static async Task<List<string>> CopiesAsync(ShardCluster cluster, long id)
    {
        var needle = $"\"id\":\"{id}\"";
        return [.. (await EventTextsAsync(cluster)).Where(text => text.Contains(needle, StringComparison.Ordinal)).Select(text => text[..Math.Min(120, text.Length)])];
    }

    /// <summary>Uids of the MESSAGE_CREATEs the simulator put in some session (the message id is the uid).</summary>
    private static HashSet<long> ProducedMessages(LedgerSnapshot snapshot, int? numShards)
        => [.. snapshot.Routed.Where(r => r.Type == "MESSAGE_CREATE" && (numShards is null || r.NumShards == numShards)).Select(r => r.EventUid)];

    private static async Task<Dictionary<long, int>> PublishedMessageCountsAsync(ShardCluster cluster)
    {
        var counts = new Dictionary<long, int>();
        foreach (var text in await EventTextsAsync(cluster))
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.TryGetProperty("t", out var type) && type.GetString() == "MESSAGE_CREATE")
            {
                var id = long.Parse(root.GetProperty("d").GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }

        return counts;
    }

    private static async Task<List<string>> EventTextsAsync(ShardCluster cluster)
    {
        var texts = new List<string>();
        foreach (var list in cluster.EventLists)
        {
            texts.AddRange((await cluster.Redis.ListRangeAsync(list)).Select(value => (string)value!));
        }

        return texts;
    }
}
