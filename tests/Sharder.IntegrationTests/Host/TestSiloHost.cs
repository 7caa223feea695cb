using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sharder.Silo.Extensions;

namespace Sharder.IntegrationTests.Host;

/// <summary>
/// Builds the real host composition (<c>AddSharderHost</c> + <c>MapSharderEndpoints</c>) from in-memory settings
/// only: the default sources (appsettings, this process's environment, command line) are removed so the
/// machine running the tests cannot change the outcome.
/// </summary>
internal static class TestSiloHost
{
    public static WebApplication Build(
        IReadOnlyDictionary<string, string?> settings,
        string dotEnvDirectory,
        ILoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = dotEnvDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
        }

        builder.AddSharderHost(dotEnvDirectory);
        var app = builder.Build();
        app.MapSharderEndpoints();
        return app;
    }

    /// <summary>Valid settings for a one-shard silo on free loopback ports, with no client gateway (the default).</summary>
    public static Dictionary<string, string?> ValidSettings(string redisAddress, string token) => new()
    {
        ["DISCORD_TOKEN"] = token,
        ["REDIS_ADDR"] = redisAddress,
        ["DISCORD_SHARD_TOTAL"] = "1",
        ["Cluster:ClusterId"] = $"host-test-{Guid.NewGuid():N}",
        // Tests share redis-servers and the simulator's token: each host gets its own identify ledger.
        ["Coordinator:LedgerKeyPrefix"] = $"sharder:host-test-{Guid.NewGuid():N}",
        ["Cluster:AdvertisedIp"] = "127.0.0.1",
        ["SHARDER_SILO_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SHARDER_HTTP_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cluster:ShutdownTimeout"] = "00:00:20",
    };

    public static int FreePort() => Sharder.TestKit.Net.LoopbackPorts.Reserve();
}
