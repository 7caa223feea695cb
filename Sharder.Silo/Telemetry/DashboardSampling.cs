using System.Reflection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Sharder.Silo.Configuration;

namespace Sharder.Silo.Telemetry;

/// <summary>
/// How often the Orleans Dashboard samples the silo. Unconfigured, it reads every instrument of Orleans' meter (some,
/// like the grain directory cache size, count a whole collection) and the silo's runtime statistics once a second,
/// whether or not anybody has the dashboard open: the largest part of an idle silo's fixed CPU floor. Both are
/// stretched to <see cref="SiloHostOptions.DashboardInterval"/>.
/// </summary>
internal static class DashboardSampling
{
    /// <summary>The dashboard's hosted service, which owns the metric reader; internal to the package.</summary>
    internal const string HostTypeName = "Orleans.Dashboard.DashboardHost";

    /// <summary>
    /// The reader's export interval in ms: an internal property of <see cref="HostTypeName"/> (1,000 unless set), read
    /// when the dashboard starts. Set here through reflection because the package offers no option for it;
    /// <c>DashboardSamplingTests</c> fails if a package update renames it.
    /// </summary>
    internal const string ExportIntervalPropertyName = "ExportIntervalMilliseconds";

    /// <summary>
    /// Call after <c>AddDashboard</c>: sets the dashboard's statistics interval and swaps its host's registration for
    /// one that builds the same host with the export interval set. Without the host registration (no dashboard) it
    /// does nothing.
    /// </summary>
    public static IServiceCollection UseSharderDashboardInterval(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DashboardOptions>().Configure<IOptions<SiloHostOptions>>(
            static (dashboard, host) => dashboard.CounterUpdateIntervalMs = Milliseconds(host.Value.DashboardInterval));

        var hostType = typeof(DashboardOptions).Assembly.GetType(HostTypeName, throwOnError: false);
        var interval = hostType?.GetProperty(ExportIntervalPropertyName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        if (hostType is null || interval is null || interval.PropertyType != typeof(int) || interval.SetMethod is null)
        {
            return services;
        }

        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != hostType || descriptor.IsKeyedService || descriptor.Lifetime != ServiceLifetime.Singleton)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Singleton(hostType, provider =>
            {
                var host = descriptor.ImplementationFactory?.Invoke(provider)
                    ?? descriptor.ImplementationInstance
                    ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType ?? hostType);
                interval.SetValue(host, Milliseconds(provider.GetRequiredService<IOptions<SiloHostOptions>>().Value.DashboardInterval));
                return host;
            });
        }

        return services;
    }

    /// <summary>Whole milliseconds, at least the dashboard's own minimum of one second.</summary>
    internal static int Milliseconds(TimeSpan interval) =>
        (int)Math.Clamp(interval.TotalMilliseconds, SiloHostOptionsValidator.MinDashboardInterval.TotalMilliseconds, int.MaxValue);
}
