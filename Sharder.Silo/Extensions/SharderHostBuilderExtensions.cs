using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sharder.Silo.Configuration;
using Sharder.Silo.Health;
using Sharder.Silo.Security;
using Sharder.Silo.Telemetry;

namespace Sharder.Silo.Extensions;

/// <summary>Composes the Sharder silo host: configuration, validated options, Orleans, HTTP and health.</summary>
public static class SharderHostBuilderExtensions
{
    internal const string LiveTag = "live";
    internal const string ReadyTag = "ready";

    /// <summary>
    /// Adds the <c>.env</c> file of the working directory (below environment variables), the host options with
    /// start-time validation, the Orleans silo (<see cref="SharderSiloConfiguration.ConfigureSharderSilo"/>),
    /// Kestrel on <c>Cluster:HttpAddress</c> and <c>Cluster:HttpPort</c> behind the HTTP token
    /// (<see cref="HttpTokenMiddleware"/>), the graceful-shutdown timeout, the health checks and OpenTelemetry metrics.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="dotEnvDirectory">Where to look for <c>.env</c>; the working directory by default, as in sharder-binary.</param>
    public static WebApplicationBuilder AddSharderHost(this WebApplicationBuilder builder, string? dotEnvDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var dotEnvPath = Path.Combine(dotEnvDirectory ?? Directory.GetCurrentDirectory(), DotEnvConfigurationExtensions.FileName);
        var dotEnv = configuration.AddDotEnvFile(dotEnvPath);

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(dotEnv);
        services.AddOptions<SiloHostOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<SiloHostOptions>, ConfigureSiloHostOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloHostOptions>, SiloHostOptionsValidator>());

        // Both are read while the host is built, before validation: use the lenient reader.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = ConfigureSiloHostOptions.ReadForHostBuild(configuration).ShutdownTimeout);
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            var (address, port, _) = ConfigureSiloHostOptions.ReadForHostBuild(configuration);
            kestrel.Listen(address, port);
        });
        services.AddTransient<IStartupFilter, HttpTokenStartupFilter>();

        services.AddSingleton<RedisHealthCheck>();
        services.AddSingleton<SiloActiveHealthCheck>();
        services.AddSingleton<ShardsHealthCheck>();
        services.AddHealthChecks()
            .AddCheck("self", static () => HealthCheckResult.Healthy("The process is running."), tags: [LiveTag])
            .AddCheck<SiloActiveHealthCheck>("silo", tags: [ReadyTag])
            .AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag])
            .AddCheck<ShardsHealthCheck>("shards", tags: [ReadyTag]);

        services.AddSharderTelemetry(configuration);
        builder.UseOrleans(silo => silo.ConfigureSharderSilo(configuration));
        return builder;
    }
}
