using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Coordination;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Grains.Options;
using Sharder.IntegrationTests.Gateway;
using Sharder.Simulator;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.World;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Several clusters' identify fronts (<see cref="IdentifyCoordinator"/>, what each cluster's coordinator
/// grain runs) on one bot's ledger in a real redis-server, each with its own shards: real
/// <see cref="ShardConnection"/>s over WebSockets to one in-process simulator (Discord), asking their
/// coordinator through <see cref="CoordinatorIdentifyGate"/> as a shard grain does. No Orleans silo: the
/// scenario is about the ledger, and a silo per cluster would not change what reaches Redis.
/// </summary>
internal sealed class SharedLedgerScenario : IAsyncDisposable
{
    /// <summary>The simulator's identify window per rate-limit key.</summary>
    public const int IdentifyWindowMs = 100;

    /// <summary>
    /// The coordinators' window: the simulator's plus a margin, wide because the in-process simulator times
    /// an Identify when this (possibly stalled) test process gets to it.
    /// </summary>
    public static readonly TimeSpan CoordinatorWindow = TimeSpan.FromMilliseconds(IdentifyWindowMs + 500);

    private readonly ITestOutputHelper _output;
    private readonly ConnectionMultiplexer _redis;
    private readonly HttpClient _http = new();
    private readonly GatewayBotClient _gatewayBot;
    private readonly List<IdentifyCoordinator> _coordinators = [];
    private readonly List<ShardConnection> _shards = [];
    private readonly string _ledgerPrefix;

    private SharedLedgerScenario(GatewaySimulator simulator, ConnectionMultiplexer redis, ITestOutputHelper output, string ledgerPrefix)
    {
        Simulator = simulator;
        _redis = redis;
        _output = output;
        _ledgerPrefix = ledgerPrefix;
        _gatewayBot = new GatewayBotClient(
            _http,
            MsOptions.Create(new DiscordOptions { Token = simulator.Token, ApiBaseUrl = new Uri(simulator.RestUrl) }),
            TimeProvider.System);
        Gateway = new GatewayOptions
        {
            BootstrapUrl = new Uri(simulator.GatewayUrl),
            Compression = GatewayCompression.ZlibStream,
            Intents = GatewayScenario.AllIntents,
            HandshakeTimeout = TimeSpan.FromSeconds(10),
            HelloTimeout = TimeSpan.FromSeconds(10),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            SinkStallTimeout = TimeSpan.FromSeconds(30),
        };
        Transports = new StallableTransportFactory(Gateway);
    }

    public GatewaySimulator Simulator { get; }

    /// <summary>The test's own view of the shared redis-server.</summary>
    public IDatabase Redis => _redis.GetDatabase();

    /// <summary>The Redis key of this scenario's bot ledger.</summary>
    public string LedgerKey => RedisIdentifyLedger.KeyFor(_ledgerPrefix, Simulator.Token);

    public GatewayOptions Gateway { get; }

    public StallableTransportFactory Transports { get; }

    public RecordingSink Sink { get; } = new();

    public IReadOnlyList<ShardConnection> Shards => _shards;

    /// <summary>Session starts the simulator charged so far.</summary>
    public int SessionStartsSpent => Simulator.Options.DailyIdentifyTotal - Simulator.IdentifyBudgetRemaining;

    /// <summary>Starts a simulator for <paramref name="shardCount"/> shards and connects to the shared redis-server.</summary>
    public static async Task<SharedLedgerScenario> StartAsync(
        RedisServerFixture redis, ITestOutputHelper output, int shardCount, int maxConcurrency, int dailyTotal, double randomIdentifyRejection = 0)
    {
        var options = new SimulatorOptions
        {
            MaxConcurrency = maxConcurrency,
            IdentifyWindowMs = IdentifyWindowMs,
            DailyIdentifyTotal = dailyTotal,
            RandomIdentifyRejection = randomIdentifyRejection,
            // A thousand shards in one test process: a long interval keeps a stalled process from losing sessions.
            HeartbeatIntervalMs = 20_000,
            HeartbeatToleranceFactor = 3,
            World = new() { GuildCount = shardCount },
        };
        options.World.GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly();
        var simulator = new GatewaySimulator(options);
        await simulator.StartAsync();
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

        // Each scenario gets its own ledger: every test identifies with the simulator's one token.
        var prefix = string.Create(CultureInfo.InvariantCulture, $"ledger-{Guid.NewGuid():N}");
        return new SharedLedgerScenario(simulator, multiplexer, output, prefix);
    }

    /// <summary>
    /// One cluster's identify front on the bot's shared ledger, with <paramref name="budgetReserve"/> kept
    /// back and a shrunk window and refresh interval.
    /// </summary>
    public async Task<IdentifyCoordinator> AddCoordinatorAsync(string name, int budgetReserve = 0, TimeSpan? budgetRefreshMinInterval = null)
    {
        var options = new CoordinatorOptions
        {
            IdentifyWindow = CoordinatorWindow,
            IdentifySlotGrace = TimeSpan.FromMilliseconds(250),
            BudgetReserve = budgetReserve,
            GatewayInfoRefresh = TimeSpan.FromMinutes(5),
            BudgetRefreshMinInterval = budgetRefreshMinInterval ?? TimeSpan.FromSeconds(1),
            LedgerKeyPrefix = _ledgerPrefix,
        };
        var ledger = new RedisIdentifyLedger(_redis, RedisIdentifyLedger.KeyFor(_ledgerPrefix, Simulator.Token));
        var coordinator = new IdentifyCoordinator(
            ledger, _gatewayBot.GetGatewayBotAsync, options, null, TimeProvider.System, new TestOutputLogger(_output, name, LogLevel.Warning));
        _coordinators.Add(coordinator);
        Assert.True(await coordinator.RefreshGatewayInfoAsync(), $"{name} read /gateway/bot");
        return coordinator;
    }

    /// <summary>Starts shards <paramref name="shardIds"/> of <paramref name="shardCount"/>, each asking <paramref name="coordinator"/>.</summary>
    public void StartShards(IdentifyCoordinator coordinator, IEnumerable<int> shardIds, int shardCount)
    {
        var front = new DirectCoordinator(coordinator);
        foreach (var shardId in shardIds)
        {
            var gate = new CoordinatorIdentifyGate(front, shardCount, TimeProvider.System, NullLogger.Instance);
            var shard = new ShardConnection(
                shardId, shardCount, new BotToken(Simulator.Token), Gateway, Transports, gate, Sink.ForShard(shardId), TimeProvider.System, NullLogger.Instance);
            _shards.Add(shard);
            shard.Start();
        }
    }

    /// <summary>Waits until every shard started is Active after READY.</summary>
    public async Task WaitAllReadyAsync(TimeSpan timeout)
    {
        try
        {
            await Eventually.TrueAsync(() => _shards.All(shard => shard.State == GatewayState.Active), timeout, $"all {_shards.Count} shards are Active");
        }
        catch (TimeoutException ex)
        {
            var waiting = _shards.Where(shard => shard.State != GatewayState.Active).Take(10).Select(GatewayScenario.Describe);
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}{string.Join(Environment.NewLine, waiting)}", ex);
        }
    }

    /// <summary>The simulator's verdict on what it saw (identify violations and counts); not asserted here.</summary>
    public InvariantReport Check() => Simulator.Check(Sink.Records);

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards)
        {
            await shard.DisposeAsync();
        }

        foreach (var coordinator in _coordinators)
        {
            coordinator.Dispose();
        }

        await Simulator.DisposeAsync();
        await _redis.DisposeAsync();
        _http.Dispose();
    }
}
