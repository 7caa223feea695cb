using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Dashboard;
using Sharder.Grains.Hosting;
using Sharder.Grains.Options;
using Sharder.Silo.Configuration;
using Sharder.Silo.Health;
using Sharder.Silo.Telemetry;
using StackExchange.Redis;

namespace Sharder.Silo.Extensions;

/// <summary>The Orleans half of the host: clustering, endpoints, Sharder's grains and services, the dashboard.</summary>
public static class SharderSiloConfiguration
{
    /// <summary>
    /// Redis clustering on <c>REDIS_ADDR</c>, cluster ids and endpoints from <c>Cluster:*</c>,
    /// <c>AddSharder</c> (grains, Redis output, storage, directory, membership tuning), the dashboard, and the
    /// readiness tracker. Values are read from the validated <see cref="SiloHostOptions"/> when the silo starts,
    /// so a bad setting is reported by validation, not by a half-built silo.
    /// </summary>
    public static ISiloBuilder ConfigureSharderSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);

        silo.UseRedisClustering(static _ => { });
        silo.AddSharder(WithUsableRedisAddress(configuration));
        silo.AddDashboard();
        silo.Services.UseSharderDashboardInterval();

        var services = silo.Services;
        services.AddOptions<RedisClusteringOptions>().Configure<IOptions<SiloHostOptions>>(
            static (redis, host) => redis.ConfigurationOptions = RedisTls.Parse(host.Value.RedisAddress, host.Value.RedisTlsCaFile));
        services.AddOptions<ClusterOptions>().Configure<IOptions<SiloHostOptions>>(static (cluster, host) =>
        {
            cluster.ClusterId = host.Value.ClusterId;
            cluster.ServiceId = host.Value.ServiceId;
        });
        services.AddOptions<EndpointOptions>().Configure<IOptions<SiloHostOptions>>(static (endpoints, host) => ApplyEndpoints(endpoints, host.Value));

        services.AddSingleton<SiloReadiness>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static provider => provider.GetRequiredService<SiloReadiness>());
        return silo;
    }

    /// <summary>
    /// The configuration for <c>AddSharder</c>, whose <c>REDIS_ADDR</c> is the address this host uses
    /// (<see cref="SiloHostOptions.RedisAddress"/>). <c>AddSharder</c> parses the address while the host is
    /// composed; an unusable one is swapped for the default here so composition completes and validation
    /// reports the real problem. The host never starts with the stand-in.
    /// </summary>
    internal static IConfiguration WithUsableRedisAddress(IConfiguration configuration)
    {
        var address = new ConfigurationReader(configuration)
            .ReadString(SiloHostOptions.DEFAULT_REDIS_ADDRESS, SiloHostOptions.RedisAddressKey, SiloHostOptions.REDIS_ADDR);
        if (!SiloHostOptionsValidator.IsRedisAddress(address))
        {
            address = SiloHostOptions.DEFAULT_REDIS_ADDRESS;
        }

        if (configuration[SiloHostOptions.REDIS_ADDR] == address)
        {
            return configuration;
        }

        return new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddInMemoryCollection([KeyValuePair.Create(SiloHostOptions.REDIS_ADDR, (string?)address)])
            .Build();
    }

    internal static void ApplyEndpoints(EndpointOptions endpoints, SiloHostOptions host)
    {
        var advertised = host.AdvertisedIp is { } configured ? IPAddress.Parse(configured) : HostAddress();
        endpoints.AdvertisedIPAddress = advertised;
        endpoints.SiloPort = host.SiloPort;
        endpoints.GatewayPort = host.GatewayPort;

        // A loopback silo stays private to the machine; any other address must be reachable from the other silos.
        var listen = IPAddress.IsLoopback(advertised) ? advertised : IPAddress.Any;
        endpoints.SiloListeningEndpoint = new IPEndPoint(listen, host.SiloPort);

        // Port 0: no client gateway at all. Sharder never uses it, and any client reaching it could call grains.
        endpoints.GatewayListeningEndpoint = host.GatewayPort == 0 ? null : new IPEndPoint(listen, host.GatewayPort);
    }

    /// <summary>The first IPv4 address of the host name (the container's address under Docker), else loopback.</summary>
    internal static IPAddress HostAddress()
    {
        try
        {
            return Dns.GetHostAddresses(Dns.GetHostName())
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                ?? IPAddress.Loopback;
        }
        catch (SocketException)
        {
            return IPAddress.Loopback;
        }
    }
}
