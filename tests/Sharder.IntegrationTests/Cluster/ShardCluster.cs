using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Sharder.Grains.Hosting;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;
using Sharder.Simulator;
using Sharder.Simulator.Ledger;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// A TestCluster of silos configured with <c>AddSharder</c> and the production directory and membership
/// settings (TestCluster's own distributed-directory configurator removed, so the Redis grain directory is
/// the one in use), an in-process gateway simulator as Discord, and Redis from the shared fixture.
/// </summary>
internal sealed class ShardCluster : IAsyncDisposable
{
    /// <summary>
    /// Added to the coordinator's identify window over the simulator's. Wide because the in-process simulator
    /// times an Identify when this (possibly stalled) test process gets to it, not when it arrived.
    /// </summary>
    public static readonly TimeSpan IdentifySafetyMargin = TimeSpan.FromMilliseconds(1_000);

    /// <summary>GUILDS, GUILD_PRESENCES and the message, reaction and typing intents (guild and DM), so the simulator's mix is delivered.</summary>
    private const ulong AllNonPrivilegedMessageIntents = 1 | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);

    private static int _clusterCounter;

    private readonly ConnectionMultiplexer _redis;

    private ShardCluster(TestCluster cluster, GatewaySimulator simulator, ConnectionMultiplexer redis, string keyPrefix)
    {
        Cluster = cluster;
        Simulator = simulator;
        _redis = redis;
        KeyPrefix = keyPrefix;
    }

    public TestCluster Cluster { get; }

    public GatewaySimulator Simulator { get; }

    public string KeyPrefix { get; }

    /// <summary>The test's own view of the shared Redis (reconnects by itself after an outage).</summary>
    public IDatabase Redis => _redis.GetDatabase();

    public IShardCoordinatorGrain Coordinator => Cluster.GrainFactory.GetGrain<IShardCoordinatorGrain>(IShardCoordinatorGrain.SingletonKey);

    public IShardSupervisorGrain Supervisor => Cluster.GrainFactory.GetGrain<IShardSupervisorGrain>(IShardSupervisorGrain.SingletonKey);

    public static Task<ShardCluster> StartAsync(RedisServerFixture redis, ShardClusterOptions options)
        => StartAsync(redis.ConnectionString, options);

    /// <summary>The same on any Redis: a connection string naming one server or the nodes of a Redis Cluster.</summary>
    public static async Task<ShardCluster> StartAsync(string redisConnectionString, ShardClusterOptions options)
    {
        var simulator = new GatewaySimulator(new SimulatorOptions
        {
            MaxConcurrency = options.MaxConcurrency,
            IdentifyWindowMs = (int)options.IdentifyWindow.TotalMilliseconds,
            // Three in-process silos share this test process with other tests: a short interval turns a
            // stall of the process into a server-side 4009 (and a lost session) that has nothing to do with Sharder.
            HeartbeatIntervalMs = 5_000,
            DailyIdentifyTotal = options.DailyIdentifyTotal,
            World = new() { GuildCount = options.Shards * 4 },
        });
        await simulator.StartAsync();

        var serviceId = string.Create(
            CultureInfo.InvariantCulture, $"cluster{Interlocked.Increment(ref _clusterCounter)}-{Environment.ProcessId}");
        var keyPrefix = options.KeyPrefix ?? serviceId;
        var settings = new Dictionary<string, string?>
        {
            ["REDIS_ADDR"] = redisConnectionString,
            ["DISCORD_TOKEN"] = simulator.Token,
            ["Discord:ApiBaseUrl"] = simulator.RestUrl,
            ["Discord:GatewayUrl"] = simulator.GatewayUrl,
            ["Sharding:ShardTotal"] = options.Shards.ToString(CultureInfo.InvariantCulture),
            // The coordinator spaces slots a little wider than Discord checks them: an Identify sent on time
            // can still arrive late, and the next one early.
            ["Coordinator:IdentifyWindow"] = (options.IdentifyWindow + IdentifySafetyMargin).ToString("c", CultureInfo.InvariantCulture),
            ["Coordinator:IdentifySlotGrace"] = (IdentifySafetyMargin / 2).ToString("c", CultureInfo.InvariantCulture),
            ["Gateway:Intents"] = AllNonPrivilegedMessageIntents.ToString(CultureInfo.InvariantCulture),
            ["Gateway:ReconnectBaseDelay"] = "00:00:00.100",
            ["Gateway:ReconnectMaxDelay"] = "00:00:02",
            ["Redis:Output:KeyPrefix"] = keyPrefix,
            // Tests share one redis-server and the simulator's token: each cluster gets its own identify ledger.
            ["Coordinator:LedgerKeyPrefix"] = keyPrefix,
            ["Redis:Commands:KeyPrefix"] = keyPrefix,
            ["Supervisor:EnsureInterval"] = "00:00:01",
            ["Supervisor:RebalanceDelay"] = "00:00:00.500",
            ["Supervisor:EnsureOnMembershipChange"] = options.StartShardsOnMembership ? "true" : "false",
            ["Supervisor:RebalanceOnJoin"] = options.RebalanceOnJoin ? "true" : "false",
        };
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        var builder = new TestClusterBuilder((short)options.Silos);
        builder.Options.ServiceId = serviceId;
        builder.Options.SiloBuilderConfiguratorTypes.RemoveAll(t => t?.Contains("ConfigureDistributedGrainDirectory", StringComparison.Ordinal) == true);
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        builder.AddSiloBuilderConfigurator<SharderSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();

        // The product's reconnect policy, so the test reads Redis again as soon as the silos can after an outage.
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(RedisTls.Parse(redisConnectionString, caFile: null));
        var eventLists = settings.TryGetValue("Redis:Output:KeyLayout", out var layout) && layout == "Cluster"
            ? Enumerable.Range(0, options.Shards).Select(shard => (RedisKey)$"{keyPrefix}:{{shard:{shard}}}:events").ToArray()
            : [(RedisKey)$"{keyPrefix}:events"];
        return new ShardCluster(cluster, simulator, multiplexer, keyPrefix) { EventLists = eventLists };
    }

    /// <summary>The silo each shard runs on now.</summary>
    public async Task<IReadOnlyDictionary<int, SiloAddress>> PlacementAsync()
    {
        var status = await Supervisor.GetStatusAsync();
        return status.Shards.ToDictionary(s => s.ShardId, s => s.Silo);
    }

    public async Task<IReadOnlyList<ShardGrainStatus>> ShardStatusesAsync() => (await Supervisor.GetStatusAsync()).Shards;

    /// <summary>The event lists: <c>{prefix}:events</c>, or one per shard in the Cluster key layout.</summary>
    public IReadOnlyList<RedisKey> EventLists { get; private init; } = [];

    /// <summary>Every dispatch in the Redis event lists, in list order (markers left out), list after list.</summary>
    public async Task<IReadOnlyList<SinkRecord>> PublishedAsync()
    {
        if (EventLists.Count == 1)
        {
            return await PublishedEvents.ReadAsync(_redis.GetDatabase(), EventLists[0]);
        }

        var all = new List<SinkRecord>();
        foreach (var list in EventLists)
        {
            all.AddRange(await PublishedEvents.ReadAsync(_redis.GetDatabase(), list));
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Simulator.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
