using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Sharder.Silo.Configuration;
using Sharder.Silo.Extensions;
using StackExchange.Redis;

namespace Sharder.Silo.Health;

/// <summary>
/// Tracks whether the local silo is Active: set when the silo lifecycle reaches
/// <see cref="ServiceLifecycleStage.Active"/>, cleared as soon as the silo begins to stop.
/// </summary>
internal sealed class SiloReadiness(
    ILocalSiloDetails silo,
    IOptions<SiloHostOptions> options,
    IOptions<EndpointOptions> endpoints,
    ILogger<SiloReadiness> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _active;

    public bool IsActive => _active;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(SiloReadiness), ServiceLifecycleStage.First, OnFirstAsync, static _ => Task.CompletedTask);
        lifecycle.Subscribe(nameof(SiloReadiness), ServiceLifecycleStage.Active, OnActiveAsync, OnStoppingAsync);
    }

    private Task OnFirstAsync(CancellationToken cancellationToken)
    {
        HostLog.Starting(logger, SharderVersion.Current);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return Task.CompletedTask;
        }

        var host = options.Value;
        var redisEndpoints = RedisEndpoints(host.RedisAddress);
        HostLog.Configured(
            logger,
            host.ClusterId,
            host.ServiceId,
            endpoints.Value.AdvertisedIPAddress,
            host.SiloPort,
            host.GatewayPort,
            redisEndpoints);
        return Task.CompletedTask;
    }

    private Task OnActiveAsync(CancellationToken cancellationToken)
    {
        _active = true;
        HostLog.SiloActive(logger, silo.SiloAddress, options.Value.ClusterId, options.Value.HttpPort);
        return Task.CompletedTask;
    }

    // Only the endpoints: the address may carry a password.
    private static string RedisEndpoints(string address)
        => string.Join(", ", ConfigurationOptions.Parse(address).EndPoints.Select(e => e.ToString()));

    private Task OnStoppingAsync(CancellationToken cancellationToken)
    {
        _active = false;
        HostLog.SiloStopping(logger, silo.SiloAddress);
        return Task.CompletedTask;
    }
}
