using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Sharder.Grains.Commands;
using Sharder.Grains.Coordination;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Transport;
using Sharder.Grains.Options;
using Sharder.Grains.Resharding;
using Sharder.Grains.Shards;
using Sharder.Grains.Sink;
using Sharder.Grains.Supervision;
using StackExchange.Redis;
using GatewayOptions = Sharder.Grains.Gateway.GatewayOptions;

namespace Sharder.Grains.Hosting;

/// <summary>Composes Sharder into a silo.</summary>
public static class SharderSiloBuilderExtensions
{
    /// <summary>Environment variable with the Redis address (host:port, or any StackExchange.Redis configuration string).</summary>
    public const string RedisAddressVariable = "REDIS_ADDR";

    /// <summary>Configuration key with the Redis address when <see cref="RedisAddressVariable"/> is not set.</summary>
    public const string RedisAddressKey = "Redis:Address";

    /// <summary>Configuration section of the membership tuning (<see cref="ClusterMembershipOptions"/>).</summary>
    public const string MembershipSection = "Cluster:Membership";

    private const string SharderHttpClientKey = "sharder";

    /// <summary>
    /// Adds everything Sharder needs on a silo, whatever hosts it: options (<c>Discord</c>, <c>Sharding</c>,
    /// <c>Coordinator</c>, <c>Gateway</c>, <c>Redis:Output</c>, <c>Redis:Commands</c>, <c>Supervisor</c>), the
    /// shared Redis multiplexer, the event publisher, the command pump, the <c>/gateway/bot</c> client, the
    /// gateway transport, the local shard registry, the membership watcher and the metrics; and the Orleans
    /// pieces the product relies on: the Redis grain directory as the default
    /// (surviving silos keep their activations when one leaves) and the membership failure-detection tuning
    /// from <c>Cluster:Membership</c>. Clustering, endpoints and the dashboard are the host's job. Every Redis
    /// client here (multiplexer, storage, directory, command pump) gets the whole <c>REDIS_ADDR</c> configuration
    /// (TLS, user, password, database) and the CA of <see cref="RedisTls.CaFileKey"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No Redis address is configured.</exception>
    public static ISiloBuilder AddSharder(this ISiloBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);

        var redisAddress = configuration[RedisAddressVariable] ?? configuration[RedisAddressKey]
            ?? throw new InvalidOperationException($"Set {RedisAddressVariable} (or {RedisAddressKey}) to the Redis address, e.g. 127.0.0.1:6379.");
        var tlsCaFile = RedisTls.ReadCaFile(configuration);
        var redisConfiguration = RedisTls.Parse(redisAddress, tlsCaFile);

        var services = builder.Services;
        services.AddSharderOptions();
        services.AddOptions<GatewayOptions>()
            .BindGatewayOptions(configuration.GetSection(GatewayOptions.SectionName))
            .PostConfigure<IOptions<DiscordOptions>>((gateway, discord) =>
            {
                if (discord.Value.GatewayUrl is { } url)
                {
                    gateway.BootstrapUrl = url;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.AddOptions<RedisOutputOptions>().BindStrictly(configuration.GetSection(RedisOutputOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOutputOptions>, RedisOutputOptionsValidator>());
        services.AddOptions<CommandPumpOptions>()
            .BindStrictly(configuration.GetSection(CommandPumpOptions.SectionName))
            .PostConfigure(commands =>
            {
                // The command keys follow the event keys' prefix unless set on their own. Read from the
                // configuration, not the output options, so one bad output setting does not hide these.
                if (configuration[$"{CommandPumpOptions.SectionName}:{nameof(CommandPumpOptions.KeyPrefix)}"] is null
                    && configuration[$"{RedisOutputOptions.SectionName}:{nameof(RedisOutputOptions.KeyPrefix)}"] is { } outputPrefix)
                {
                    commands.KeyPrefix = outputPrefix;
                }

                // Likewise the key layout: Redis Cluster needs the command keys tagged too.
                if (configuration[$"{CommandPumpOptions.SectionName}:{nameof(CommandPumpOptions.KeyLayout)}"] is null
                    && Enum.TryParse<RedisKeyLayout>(
                        configuration[$"{RedisOutputOptions.SectionName}:{nameof(RedisOutputOptions.KeyLayout)}"], ignoreCase: true, out var layout))
                {
                    commands.KeyLayout = layout;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommandPumpOptions>, CommandPumpOptionsValidator>());
        services.AddOptions<SupervisorOptions>().BindStrictly(configuration.GetSection(SupervisorOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SupervisorOptions>, SupervisorOptionsValidator>());
        services.AddOptions<ReshardOptions>().BindStrictly(configuration.GetSection(ReshardOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReshardOptions>, ReshardOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<SharderInstruments>();
        services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisConfiguration.Clone()));
        services.TryAddSingleton(sp => new RedisEventPublisher(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<RedisOutputOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ShardingStore(
            sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<RedisOutputOptions>>().Value));
        services.TryAddSingleton<LocalShardRegistry>();
        services.TryAddSingleton<IShardGaugeSource>(sp => sp.GetRequiredService<LocalShardRegistry>());
        services.TryAddSingleton<DeliveryProblemBoard>();
        services.TryAddSingleton(sp => new HostedShardsHealth(
            sp.GetRequiredService<LocalShardRegistry>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DeliveryProblemBoard>()));
        services.TryAddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<LocalShardRegistry>();
            var trust = tlsCaFile is null ? null : RedisTls.CreateValidationCallback(tlsCaFile);
            return new CommandPump(
                RespEndpoint.FromConfiguration(redisConfiguration, trust),
                sp.GetRequiredService<IOptions<CommandPumpOptions>>().Value,
                registry.TryEnqueueCommand,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<CommandPump>>(),
                sp.GetRequiredService<SharderInstruments>(),
                RespEndpoint.AllFromConfiguration(redisConfiguration, trust));
        });
        services.AddKeyedSingleton(SharderHttpClientKey, (_, _) => new HttpClient { Timeout = TimeSpan.FromSeconds(30) });
        services.TryAddSingleton(sp => new GatewayBotClient(
            sp.GetRequiredKeyedService<HttpClient>(SharderHttpClientKey),
            sp.GetRequiredService<IOptions<DiscordOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GatewayBotClient>>()));
        services.TryAddSingleton<IGatewayTransportFactory>(sp =>
        {
            var gateway = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return new WebSocketGatewayTransportFactory(gateway.UserAgent, gateway.HandshakeTimeout, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<ShardSelectionProvider>();

        services.AddSingleton<SharderSiloLifecycle>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SharderSiloLifecycle>());
        services.AddSingleton<MembershipWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MembershipWatcher>());

        builder.UseRedisGrainDirectoryAsDefault(o => o.ConfigurationOptions = redisConfiguration.Clone());
        services.AddOptions<ClusterMembershipOptions>()
            .Configure(ApplyMembershipDefaults)
            .BindStrictly(configuration.GetSection(MembershipSection))
            .ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// A killed silo is declared dead in 0.4-0.7 s instead of Orleans' 10-60 s. Orleans 10 probes every half
    /// <see cref="ClusterMembershipOptions.ProbeTimeout"/> (its adaptive timeout settles at the minimum, half of it, on a
    /// healthy network), and a killed silo needs two missed probes: the next one, then one period more. A silo that is
    /// merely stalled (GC, CPU starvation) keeps its connections open, and Orleans' connection liveness check holds back
    /// votes against a silo whose connection carried messages recently, so the short period does not evict it.
    /// </summary>
    private static void ApplyMembershipDefaults(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromMilliseconds(600);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }
}
