using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sharder.Silo.Health;

/// <summary>Ready only while the local silo is Active in the cluster.</summary>
internal sealed class SiloActiveHealthCheck(SiloReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(readiness.IsActive
            ? HealthCheckResult.Healthy("The silo is active.")
            : HealthCheckResult.Unhealthy("The silo is not active (starting or stopping)."));
}
