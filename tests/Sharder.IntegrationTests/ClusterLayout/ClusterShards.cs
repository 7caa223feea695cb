using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Grains.Shards;
using Sharder.Grains.Sink;
using Sharder.IntegrationTests.Gateway;
using Sharder.IntegrationTests.Sink;
using Sharder.TestKit;
using StackExchange.Redis;
using Xunit.Abstractions;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.IntegrationTests.ClusterLayout;

/// <summary>
/// Real shard connections on the simulator, each delivering through its own <see cref="ShardEventSink"/> and one
/// <see cref="RedisEventPublisher"/> in <see cref="RedisKeyLayout.Cluster"/> layout into a real Redis Cluster.
/// </summary>
internal sealed class ClusterShards : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _output;
    private readonly ShardConnection?[] _connections;
#pragma warning disable CA2000 // the factory's meter lives as long as the test process; nothing to release
    private readonly SharderInstruments _instruments = new(new NoMeterFactory());
#pragma warning restore CA2000

    private ClusterShards(GatewayScenario scenario, ConnectionMultiplexer redis, string prefix, int shardCount, ITestOutputHelper output)
    {
        Scenario = scenario;
        Redis = redis;
        Prefix = prefix;
        ShardCount = shardCount;
        _output = output;
        _connections = new ShardConnection?[shardCount];
        Publisher = new RedisEventPublisher(redis, new RedisOutputOptions { KeyPrefix = prefix, KeyLayout = RedisKeyLayout.Cluster });
    }

    public GatewayScenario Scenario { get; }

    public ConnectionMultiplexer Redis { get; }

    public RedisEventPublisher Publisher { get; }

    public string Prefix { get; }

    public int ShardCount { get; }

    public IDatabase Database => Redis.GetDatabase();

    public ShardConnection Connection(int shardId) => _connections[shardId] ?? throw new InvalidOperationException($"Shard {shardId} is stopped.");

    /// <summary>The shard's event list, <c>{prefix}:{shard:N}:events</c>.</summary>
    public string EventsKey(int shardId) => $"{Prefix}:{{shard:{shardId}}}:events";

    /// <summary>
    /// A multiplexer for the cluster that notices a lost node quickly. The topology check keeps its default (60 s): the
    /// multiplexer finds a promoted replica by itself when the old primary's connection fails, as a silo's would.
    /// </summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1_000;
        options.AsyncTimeout = 2_000;
        options.SyncTimeout = 2_000;
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.ReconnectRetryPolicy = new LinearRetry(50);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public static async Task<ClusterShards> StartAsync(string connectionString, int shardCount, ITestOutputHelper output)
    {
        var scenario = await GatewayScenario.StartAsync(
            output, GatewayCompression.ZlibStream, configureGateway: o => o.SinkStallTimeout = TimeSpan.FromSeconds(30), maxConcurrency: shardCount);
        var redis = await ConnectAsync(connectionString);
        var shards = new ClusterShards(scenario, redis, TestRedis.UniquePrefix("cluster"), shardCount, output);
        for (int shardId = 0; shardId < shardCount; shardId++)
        {
            await shards.StartShardAsync(shardId, session: null);
        }

        return shards;
    }

    /// <summary>
    /// Starts the shard as a new activation would: a new epoch, and (given a session) a resume from it, the way the
    /// shard grain resumes from the checkpoint it read.
    /// </summary>
    public async Task StartShardAsync(int shardId, ShardSession? session)
    {
        long epoch = await Publisher.AcquireEpochAsync(shardId);
        var sink = new ShardEventSink(shardId, epoch, Publisher, session?.Sequence ?? 0, () => { }, _instruments);
        var connection = new ShardConnection(
            shardId, ShardCount, new BotToken(Scenario.Simulator.Token), Scenario.Options, Scenario.Transports, Scenario.IdentifyGate, sink,
            TimeProvider.System, new TestOutputLogger(_output, $"shard[{shardId}/{ShardCount}]", LogLevel.Information), session);
        _connections[shardId] = connection;
        connection.Start();
    }

    /// <summary>Stops the shard's connection (as a deactivation does) and returns what it last delivered.</summary>
    public async Task<ShardSession?> StopShardAsync(int shardId)
    {
        var connection = Connection(shardId);
        var session = connection.ExportSession();
        await connection.DisposeAsync();
        _connections[shardId] = null;
        return session;
    }

    public void EmitMessages(int count, int shardId) => Scenario.EmitMessages(count, shardId, ShardCount);

    /// <summary>Waits until every running shard is Active and delivered everything it read.</summary>
    public Task WaitDeliveredAsync(string because)
        => Eventually.TrueAsync(
            () => _connections.All(c => c is null || (c.State == GatewayState.Active && c.Status is { LastSequence: > 0 } status
                && status.LastDeliveredSequence == status.LastSequence && Scenario.IsRoutable(c))),
            Timeout,
            because);

    public Task<List<long>> SequencesAsync(int shardId) => TestEvents.ReadSequencesAsync(Database, EventsKey(shardId));

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        await Redis.DisposeAsync();
        await Scenario.DisposeAsync();
    }

    private sealed class NoMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
