using System.Net;
using Orleans.Runtime;

namespace Sharder.Silo.Health;

/// <summary>Log messages of the host. Event ids 9000–9099; names are fixed once released.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information,
        Message = "Silo {SiloAddress} is active in cluster {ClusterId}; the status page /, /status, /metrics, /healthz, /readyz and /dashboard/ on HTTP port {HttpPort}")]
    public static partial void SiloActive(ILogger logger, SiloAddress siloAddress, string clusterId, int httpPort);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Silo {SiloAddress} is stopping; readiness is now false")]
    public static partial void SiloStopping(ILogger logger, SiloAddress siloAddress);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information,
        Message = "Sharder host: cluster {ClusterId}/{ServiceId}, advertised {AdvertisedIp}, silo port {SiloPort}, gateway port {GatewayPort}, Redis {RedisEndpoints}")]
    public static partial void Configured(
        ILogger logger, string clusterId, string serviceId, IPAddress advertisedIp, int siloPort, int gatewayPort, string redisEndpoints);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Sharder {Version} starting")]
    public static partial void Starting(ILogger logger, string version);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Critical,
        Message = "The stop did not finish within {Limit} (Cluster:ShutdownTimeout and a grace period); exiting with code {ExitCode}")]
    public static partial void StopOverran(ILogger logger, TimeSpan limit, int exitCode);
}
