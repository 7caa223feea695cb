using System.Net;
using Microsoft.Extensions.Options;
using Sharder.Grains.Hosting;
using Sharder.Grains.Options;

namespace Sharder.Silo.Configuration;

/// <summary>
/// Fills <see cref="SiloHostOptions"/> from configuration. A value that does not parse keeps its default and is
/// recorded in <see cref="SiloHostOptions.ReadFailures"/>, so validation reports it with every other problem.
/// </summary>
internal sealed class ConfigureSiloHostOptions(IConfiguration configuration) : IConfigureOptions<SiloHostOptions>
{
    private const string Section = SiloHostOptions.SectionName;

    public void Configure(SiloHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reader = new ConfigurationReader(configuration);

        options.ClusterId = reader.ReadString(options.ClusterId, Key(nameof(SiloHostOptions.ClusterId)));
        options.ServiceId = reader.ReadString(options.ServiceId, Key(nameof(SiloHostOptions.ServiceId)));
        options.SiloPort = reader.ReadInt32(options.SiloPort, Key(nameof(SiloHostOptions.SiloPort)), SiloHostOptions.SHARDER_SILO_PORT);
        options.GatewayPort = reader.ReadInt32(
            options.GatewayPort, Key(nameof(SiloHostOptions.GatewayPort)), SiloHostOptions.SHARDER_GATEWAY_PORT);
        options.HttpPort = reader.ReadInt32(options.HttpPort, Key(nameof(SiloHostOptions.HttpPort)), SiloHostOptions.SHARDER_HTTP_PORT);
        options.HttpAddress = reader.ReadString(
            options.HttpAddress, Key(nameof(SiloHostOptions.HttpAddress)), SiloHostOptions.SHARDER_HTTP_ADDRESS);
        var (httpToken, httpTokenFailure) = SecretSetting.Read(
            configuration, SiloHostOptions.SHARDER_HTTP_TOKEN, Key(nameof(SiloHostOptions.HttpToken)));
        options.HttpToken = httpToken?.Trim() ?? options.HttpToken;
        if (httpTokenFailure is not null)
        {
            options.ReadFailures.Add(httpTokenFailure);
        }

        var (adminToken, adminTokenFailure) = SecretSetting.Read(
            configuration, SiloHostOptions.SHARDER_ADMIN_TOKEN, Key(nameof(SiloHostOptions.AdminToken)));
        options.AdminToken = adminToken?.Trim() ?? options.AdminToken;
        if (adminTokenFailure is not null)
        {
            options.ReadFailures.Add(adminTokenFailure);
        }

        options.AdvertisedIp = reader.Find(Key(nameof(SiloHostOptions.AdvertisedIp)))?.Value ?? options.AdvertisedIp;
        options.ShutdownTimeout = reader.ReadTimeSpan(options.ShutdownTimeout, Key(nameof(SiloHostOptions.ShutdownTimeout)));
        options.DashboardInterval = reader.ReadTimeSpan(options.DashboardInterval, SiloHostOptions.DashboardIntervalKey);
        options.RedisAddress = reader.ReadString(options.RedisAddress, SiloHostOptions.RedisAddressKey, SiloHostOptions.REDIS_ADDR);
        options.RedisTlsCaFile = RedisTls.ReadCaFile(configuration) ?? options.RedisTlsCaFile;

        options.ReadFailures.AddRange(reader.Failures);
    }

    /// <summary>
    /// The HTTP address and port and the shutdown timeout, for Kestrel and <c>HostOptions</c>, which are read
    /// while the host is built, before validation runs. Never throws: a bad value falls back to its default here
    /// and is reported by validation before anything listens.
    /// </summary>
    public static (IPAddress HttpAddress, int HttpPort, TimeSpan ShutdownTimeout) ReadForHostBuild(IConfiguration configuration)
    {
        var reader = new ConfigurationReader(configuration);
        var httpAddress = reader.ReadString(
            SiloHostOptions.DEFAULT_HTTP_ADDRESS, Key(nameof(SiloHostOptions.HttpAddress)), SiloHostOptions.SHARDER_HTTP_ADDRESS);
        var httpPort = reader.ReadInt32(
            SiloHostOptions.DEFAULT_HTTP_PORT, Key(nameof(SiloHostOptions.HttpPort)), SiloHostOptions.SHARDER_HTTP_PORT);
        var timeout = reader.ReadTimeSpan(SiloHostOptions.DEFAULT_SHUTDOWN_TIMEOUT, Key(nameof(SiloHostOptions.ShutdownTimeout)));
        return (
            IPAddress.TryParse(httpAddress, out var address) ? address : IPAddress.Loopback,
            httpPort is >= 1 and <= IPEndPoint.MaxPort ? httpPort : SiloHostOptions.DEFAULT_HTTP_PORT,
            timeout > TimeSpan.Zero ? timeout : SiloHostOptions.DEFAULT_SHUTDOWN_TIMEOUT);
    }

    private static string Key(string property) => $"{Section}:{property}";
}
