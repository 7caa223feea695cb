using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Sharder.Grains.Interfaces;
using Sharder.Simulator;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// A TestCluster whose shards connect to an <see cref="InMemoryGateway"/> instead of sockets, for checks of
/// activation, placement and identify scheduling at sizes the simulator's sockets cannot reach on one host.
/// The simulator runs only for <c>/gateway/bot</c> (max_concurrency and the daily budget), with a tiny world.
/// </summary>
internal sealed class SocketlessShardCluster : IAsyncDisposable
{
    private static int s_counter;

    private SocketlessShardCluster(TestCluster cluster, GatewaySimulator simulator, InMemoryGateway gateway)
    {
        Cluster = cluster;
        Simulator = simulator;
        Gateway = gateway;
    }

    public TestCluster Cluster { get; }

    /// <summary>Only its REST side is used.</summary>
    public GatewaySimulator Simulator { get; }

    public InMemoryGateway Gateway { get; }

    public IShardSupervisorGrain Supervisor => Cluster.GrainFactory.GetGrain<IShardSupervisorGrain>(IShardSupervisorGrain.SingletonKey);

    /// <param name="identifyWindow">The coordinator's spacing per rate-limit key.</param>
    /// <param name="slotGrace">How late after its slot a shard may still identify.</param>
    public static async Task<SocketlessShardCluster> StartAsync(
        RedisServerFixture redis, int silos, int shards, int maxConcurrency, TimeSpan identifyWindow, TimeSpan slotGrace)
    {
        var simulator = new GatewaySimulator(new SimulatorOptions
        {
            MaxConcurrency = maxConcurrency,
            DailyIdentifyTotal = shards + 1_000,
            World = new() { GuildCount = 16 },
        });
        await simulator.StartAsync();

        // Discord's interval: a shard heartbeats about once in a 10,000-shard run of a minute or two.
        var gateway = new InMemoryGateway(heartbeatIntervalMs: 41_250);
        var serviceId = string.Create(
            CultureInfo.InvariantCulture, $"socketless{Interlocked.Increment(ref s_counter)}-{Environment.ProcessId}");
        var settings = new Dictionary<string, string?>
        {
            [InMemoryGateway.SettingName] = gateway.Name,
            ["REDIS_ADDR"] = redis.ConnectionString,
            ["DISCORD_TOKEN"] = simulator.Token,
            ["Discord:ApiBaseUrl"] = simulator.RestUrl,
            ["Discord:GatewayUrl"] = simulator.GatewayUrl,
            ["Sharding:ShardTotal"] = shards.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:IdentifyWindow"] = identifyWindow.ToString("c", CultureInfo.InvariantCulture),
            ["Coordinator:IdentifySlotGrace"] = slotGrace.ToString("c", CultureInfo.InvariantCulture),
            ["Coordinator:LedgerKeyPrefix"] = serviceId,
            // Shrunk with the window: Discord's 5 s window and the 5 min default make 57 windows between two
            // reads of /gateway/bot, each of which drops the grants it covers from the ledger's Pending list.
            ["Coordinator:GatewayInfoRefresh"] = "00:00:03",
            ["Coordinator:BudgetRefreshMinInterval"] = "00:00:01",
            ["Gateway:Compression"] = "None",
            ["Redis:Output:KeyPrefix"] = serviceId,
            ["Redis:Commands:KeyPrefix"] = serviceId,
            // The test starts the shards itself through the supervisor and times it.
            ["Supervisor:EnsureInterval"] = "01:00:00",
            ["Supervisor:EnsureOnMembershipChange"] = "false",
            ["Supervisor:RebalanceOnJoin"] = "false",
        };

        var builder = new TestClusterBuilder((short)silos);
        builder.Options.ServiceId = serviceId;
        builder.Options.SiloBuilderConfiguratorTypes.RemoveAll(t => t?.Contains("ConfigureDistributedGrainDirectory", StringComparison.Ordinal) == true);
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        builder.AddSiloBuilderConfigurator<InMemoryGatewaySiloConfigurator>();
        builder.AddClientBuilderConfigurator<LongCallsClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SocketlessShardCluster(cluster, simulator, gateway);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Simulator.DisposeAsync();
        Gateway.Forget();
    }
}
