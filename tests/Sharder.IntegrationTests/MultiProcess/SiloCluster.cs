using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Sharder.IntegrationTests.Cluster;
using Sharder.Simulator;
using Sharder.Simulator.Ledger;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>
/// Real <c>Sharder.Silo</c> processes clustered through Redis (the shared fixture), with an in-process gateway
/// simulator as Discord. Every silo gets the same settings and its own ports; the cluster id, service id and
/// Redis key prefix are unique per cluster so runs never see each other's members or events.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Discord's identify spacing, scaled down; the coordinator's window is this plus <see cref="IdentifySafetyMargin"/>.
    /// The margin is wide because the simulator measures when it processes an Identify, and on a two-core test
    /// machine the silo processes starting up can hold this process off the CPU for most of a second.
    /// </summary>
    public static readonly TimeSpan IdentifyWindow = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan IdentifySafetyMargin = TimeSpan.FromMilliseconds(1400);

    /// <summary><c>max_concurrency</c>: two rate-limit keys keep the cold start short with the wide margin.</summary>
    public const int MaxConcurrency = 2;

    /// <summary>Graceful stop budget for a silo (Cluster:ShutdownTimeout).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    // Long enough that four silo processes on two busy cores do not miss the server-side heartbeat deadline.
    private const int HeartbeatIntervalMs = 5_000;

    /// <summary>GUILDS, GUILD_PRESENCES and the message, reaction and typing intents, so the simulator's mix is delivered.</summary>
    private const ulong MessageIntents = 1 | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);

    private static int _clusterCounter;

    private readonly ConnectionMultiplexer _redis;
    private readonly Dictionary<string, string> _environment;
    private readonly List<SiloProcess> _silos = [];
    private readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    private SiloCluster(
        GatewaySimulator simulator, ConnectionMultiplexer redis, string keyPrefix, Dictionary<string, string> environment, TimeProvider time)
    {
        Time = time;
        Simulator = simulator;
        _redis = redis;
        KeyPrefix = keyPrefix;
        _environment = environment;
    }

    public GatewaySimulator Simulator { get; }

    public string KeyPrefix { get; }

    /// <summary>The clock for deadlines and measurements; real time, because the silos run in other processes.</summary>
    public TimeProvider Time { get; }

    /// <summary>Every silo started so far, including stopped ones.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    public static Task<SiloCluster> CreateAsync(RedisServerFixture redis, int shards, TimeProvider? time = null)
        => CreateAsync(redis.ConnectionString, shards, time);

    /// <summary>A cluster on the Redis at <paramref name="redisConnectionString"/> (a test's own server, to stop it).</summary>
    /// <param name="configureSimulator">Changes to the simulator's options (e.g. the world, the identify budget).</param>
    /// <param name="settings">Extra silo settings (environment variables), added to or replacing the defaults.</param>
    public static async Task<SiloCluster> CreateAsync(
        string redisConnectionString,
        int shards,
        TimeProvider? time = null,
        Action<SimulatorOptions>? configureSimulator = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        time ??= TimeProvider.System;
        var options = new SimulatorOptions
        {
            MaxConcurrency = MaxConcurrency,
            IdentifyWindowMs = (int)IdentifyWindow.TotalMilliseconds,
            HeartbeatIntervalMs = HeartbeatIntervalMs,
            World = new() { GuildCount = shards * 4 },
        };
        configureSimulator?.Invoke(options);
        var simulator = new GatewaySimulator(options, time);
        await simulator.StartAsync();

        var keyPrefix = string.Create(
            CultureInfo.InvariantCulture, $"mp{Interlocked.Increment(ref _clusterCounter)}-{Environment.ProcessId}");
        var environment = new Dictionary<string, string>
        {
            ["REDIS_ADDR"] = redisConnectionString,
            ["DISCORD_TOKEN"] = simulator.Token,
            ["DISCORD_SHARD_TOTAL"] = shards.ToString(CultureInfo.InvariantCulture),
            ["Discord__ApiBaseUrl"] = simulator.RestUrl,
            ["Discord__GatewayUrl"] = simulator.GatewayUrl,
            ["Cluster__ClusterId"] = keyPrefix,
            ["Cluster__ServiceId"] = keyPrefix,
            ["Cluster__AdvertisedIp"] = "127.0.0.1",
            ["Cluster__ShutdownTimeout"] = ShutdownTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Coordinator__IdentifyWindow"] = (IdentifyWindow + IdentifySafetyMargin).ToString("c", CultureInfo.InvariantCulture),
            ["Coordinator__IdentifySlotGrace"] = (IdentifySafetyMargin / 2).ToString("c", CultureInfo.InvariantCulture),
            ["Gateway__Intents"] = MessageIntents.ToString(CultureInfo.InvariantCulture),
            ["Gateway__ReconnectBaseDelay"] = "00:00:00.100",
            ["Gateway__ReconnectMaxDelay"] = "00:00:02",
            ["Redis__Output__KeyPrefix"] = keyPrefix,
            ["Coordinator__LedgerKeyPrefix"] = keyPrefix,
            ["Redis__Commands__KeyPrefix"] = keyPrefix,
            ["Supervisor__EnsureInterval"] = "00:00:01",
            ["Supervisor__RebalanceDelay"] = "00:00:00.500",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            // Several silos share the test machine; workstation GC keeps each one small.
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var multiplexer = await ConnectionMultiplexer.ConnectAsync(redisConnectionString);
        return new SiloCluster(simulator, multiplexer, keyPrefix, environment, time);
    }

    /// <summary>Starts one silo per name at once and waits until each answers <c>/readyz</c>.</summary>
    public async Task<SiloProcess[]> StartSilosAsync(params string[] names)
    {
        var started = names.Select(name => SiloProcess.Start(name, SiloPorts.Reserve(), _environment, Time)).ToArray();
        _silos.AddRange(started);
        await Task.WhenAll(started.Select(s => s.WaitUntilReadyAsync(ReadyTimeout)));
        return started;
    }

    /// <summary>The shards as the first running silo that answers <c>/status</c> sees them; null when none answers.</summary>
    public async Task<ClusterStatusResponse?> StatusAsync()
    {
        foreach (var silo in _silos.Where(s => !s.HasExited))
        {
            try
            {
                using var response = await silo.Http.GetAsync(new Uri("status", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadFromJsonAsync<ClusterStatusResponse>(_json);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A frozen or stopping silo: ask the next one.
            }
        }

        return null;
    }

    /// <summary>Waits until every shard is Active on one of <paramref name="silos"/>; returns that status.</summary>
    public Task<ClusterStatusResponse> AllActiveOnAsync(IReadOnlyCollection<SiloProcess> silos, string because, TimeSpan? timeout = null)
        => StatusWhereAsync(s => s.AllActiveOn(silos), because, timeout);

    /// <summary>
    /// Waits until every shard is Active on <paramref name="silos"/> and spread evenly over them (the
    /// rebalance after a join is done); returns that status.
    /// </summary>
    public Task<ClusterStatusResponse> BalancedOnAsync(IReadOnlyCollection<SiloProcess> silos, string because, TimeSpan? timeout = null)
        => StatusWhereAsync(
            s =>
            {
                var counts = silos.Select(silo => s.On(silo).Count).ToArray();
                return s.AllActiveOn(silos) && counts.Max() - counts.Min() <= 1;
            },
            because,
            timeout);

    /// <summary>Polls <c>/status</c> until <paramref name="condition"/> holds; returns the status that satisfied it.</summary>
    public async Task<ClusterStatusResponse> StatusWhereAsync(Func<ClusterStatusResponse, bool> condition, string because, TimeSpan? timeout = null)
    {
        ClusterStatusResponse? status = null;
        try
        {
            await Eventually.TrueAsync(async () => (status = await StatusAsync()) is { } s && condition(s), timeout ?? WaitTimeout, because);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Last status: {Describe(status)}{Environment.NewLine}{OutputOfAll()}", ex);
        }

        return status!;
    }

    /// <summary>The cluster's Redis (for tests that read more than the event list).</summary>
    public IDatabase Redis => _redis.GetDatabase();

    /// <summary>Every dispatch in the Redis event list, in list order (markers left out).</summary>
    public Task<IReadOnlyList<SinkRecord>> PublishedAsync() => PublishedEvents.ReadAsync(_redis.GetDatabase(), $"{KeyPrefix}:events");

    /// <summary>Waits until every event the simulator sent is in Redis exactly once; returns the final report.</summary>
    public async Task<InvariantReport> AllPublishedAsync(string because)
    {
        InvariantReport? report = null;
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    report = Simulator.Check(await PublishedAsync());
                    return report.Ok && report.RoutedNeverSent == 0;
                },
                WaitTimeout,
                because);
        }
        catch (TimeoutException ex)
        {
            var violations = string.Join(Environment.NewLine, report?.Violations.Take(10) ?? []);
            throw new TimeoutException($"{ex.Message} Last report: {report}{Environment.NewLine}{violations}{Environment.NewLine}{OutputOfAll()}", ex);
        }

        return report!;
    }

    public static string Describe(ClusterStatusResponse? status) => status is null
        ? "(no silo answered /status)"
        : string.Join("; ", status.Shards.Select(s => $"{s.Shard}:{s.State}@{s.SiloPort}/{s.Start}/e{s.Epoch}"));

    /// <summary>The recent output of every silo, for failure messages.</summary>
    public string OutputOfAll() => string.Join(
        Environment.NewLine,
        _silos.Select(s => $"--- silo {s.Name} (pid {s.ProcessId}, silo port {s.Ports.Silo}, exited {s.HasExited}) ---{Environment.NewLine}{s.RecentOutput}"));

    public async ValueTask DisposeAsync()
    {
        Simulator.StopLoad();
        await Task.WhenAll(_silos.Select(s => s.DisposeAsync().AsTask()));
        await Simulator.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
