using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orleans.Dashboard;
using Sharder.Silo.Health;
using Sharder.Silo.Telemetry;

namespace Sharder.Silo.Extensions;

/// <summary>Maps the host's HTTP endpoints.</summary>
public static class SharderEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>/healthz</c> (live: the process answers), <c>/readyz</c> (the silo is Active and Redis answers PING,
    /// 503 otherwise; Degraded, still 200, while a shard here has no session for long or closed fatally), <c>/status</c> (shards, sessions, silos, identify budget as JSON), the shard status page at <c>/</c>,
    /// Prometheus metrics at <c>/metrics</c>, the Orleans dashboard under <c>/dashboard/</c>, and the operator's
    /// routes under <c>/admin/</c> (see <see cref="AdminEndpoints"/>; off unless an admin token is set).
    /// </summary>
    public static IEndpointRouteBuilder MapSharderEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains(SharderHostBuilderExtensions.LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains(SharderHostBuilderExtensions.ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        endpoints.MapGet("/status", StatusEndpoint.GetAsync);
        endpoints.MapStatusPage();
        endpoints.MapSharderMetrics();
        endpoints.MapOrleansDashboard(routePrefix: "/dashboard");
        endpoints.MapAdminRoutes();
        return endpoints;
    }
}
