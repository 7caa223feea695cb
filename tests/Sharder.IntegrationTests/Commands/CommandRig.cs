using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sharder.Grains.Commands;
using Sharder.Grains.Gateway;
using Sharder.Grains.Shards;
using Sharder.IntegrationTests.Gateway;
using Sharder.IntegrationTests.Sink;
using Sharder.Simulator.Gateway;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Commands;

/// <summary>
/// The real command path in one process: a redis-server, a <see cref="CommandPump"/> over a
/// <see cref="LocalShardRegistry"/>, and real <see cref="ShardConnection"/>s connected to the gateway simulator.
/// </summary>
internal sealed class CommandRig : IAsyncDisposable
{
    public static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    private readonly ConnectionMultiplexer _redis;

    private CommandRig(GatewayScenario scenario, ConnectionMultiplexer redis, CommandPump pump, string prefix)
    {
        Scenario = scenario;
        _redis = redis;
        Pump = pump;
        Prefix = prefix;
    }

    public GatewayScenario Scenario { get; }

    public LocalShardRegistry Registry { get; } = new();

    public CommandPump Pump { get; }

    public string Prefix { get; }

    public IDatabase Database => _redis.GetDatabase();

    public string DeadKey => $"{Prefix}:commands:dead";

    public static async Task<CommandRig> StartAsync(
        RedisServerFixture redis, ITestOutputHelper output, Action<CommandPumpOptions>? configure = null, int maxConcurrency = 1)
    {
        var scenario = await GatewayScenario.StartAsync(output, Grains.Gateway.Compression.GatewayCompression.ZlibStream, maxConcurrency: maxConcurrency);
        var connection = await TestRedis.ConnectAsync(redis.ConnectionString);
        var prefix = TestRedis.UniquePrefix("hostile");
        var options = new CommandPumpOptions { KeyPrefix = prefix, DeadLetterMaxLength = 0 };
        configure?.Invoke(options);
        CommandRig? rig = null;
        var pump = new CommandPump(
            new RespEndpoint(new IPEndPoint(IPAddress.Loopback, redis.Port)),
            options,
            (shard, payload) => rig!.Registry.TryEnqueueCommand(shard, payload),
            TimeProvider.System,
            new TypedLogger<CommandPump>(new TestOutputLogger(output, "pump", LogLevel.Warning)));
        rig = new CommandRig(scenario, connection, pump, prefix);
        pump.Start();
        return rig;
    }

    /// <summary>Starts shards <paramref name="shardIds"/> of <paramref name="shardCount"/>, waits for READY, registers and hosts them.</summary>
    public async Task<List<ShardConnection>> StartShardsAsync(int shardCount, params int[] shardIds)
    {
        var shards = shardIds.Select(id => Scenario.StartShard(id, shardCount)).ToList();
        foreach (var shard in shards)
        {
            await Scenario.WaitUntilAsync(
                () => shard.State == GatewayState.Active && Scenario.IsRoutable(shard), $"shard {shard.ShardId} is Active after READY");
            Registry.Register(shard);
            Pump.Host(shard.ShardId, shardCount);
        }

        await Eventually.TrueAsync(() => Pump.ListeningVersion == Pump.HostedVersion, Prompt, "the pump listens on the hosted shards");
        return shards;
    }

    /// <summary>The dead-letter entries once there are at least <paramref name="count"/>, oldest first.</summary>
    public async Task<List<JsonElement>> DeadLettersAsync(int count, TimeSpan timeout)
    {
        await Eventually.TrueAsync(async () => await Database.ListLengthAsync(DeadKey) >= count, timeout, $"{count} dead-letter entries");
        return [.. (await Database.ListRangeAsync(DeadKey)).Select(v => JsonDocument.Parse((byte[])v!).RootElement.Clone())];
    }

    /// <summary>
    /// The gateway saw nothing but the shard's own traffic and <paramref name="expectedCommands"/>: no closes,
    /// one Identify, no Resume, the session kept, the connection open.
    /// </summary>
    public void AssertGatewayUntouched(ShardConnection shard, string sessionId, long connectionId, IReadOnlyCollection<ReceivedCommand> expectedCommands)
    {
        var simulator = Scenario.Simulator;
        Assert.Equal(expectedCommands.Select(c => c.Json).Order(), simulator.Commands.Where(c => c.ShardId == shard.ShardId).Select(c => c.Json).Order());
        var inbound = simulator.Transcript(connectionId).Where(e => e.Inbound).ToList();
        Assert.DoesNotContain(inbound, e => e.Note is not null);
        Assert.All(inbound, e => Assert.Contains(e.Op ?? -1, new[] { 1, 2, 3, 4, 8, 31, 43 }));
        Assert.Equal(1, inbound.Count(e => e.Op == 2));
        var connection = simulator.Connection(connectionId);
        Assert.NotNull(connection);
        Assert.True(connection.Open, Scenario.DescribeAll());
        Assert.Null(connection.ServerCloseCode);
        var status = shard.Status;
        Assert.Equal((1, 0, 0), (status.Identifies, status.Resumes, status.TotalReconnects));
        Assert.Equal(sessionId, status.SessionId);
    }

    public async ValueTask DisposeAsync()
    {
        await Pump.DisposeAsync();
        await Scenario.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
