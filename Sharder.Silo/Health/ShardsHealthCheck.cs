using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sharder.Grains.Shards;

namespace Sharder.Silo.Health;

/// <summary>
/// Degraded while a shard of this silo has gone without a session for longer than
/// <see cref="HostedShardsHealth.DefaultStallThreshold"/>, or closed fatally; each such shard is named in the
/// description. Degraded, not unhealthy: restarting the silo would not bring those shards back any sooner.
/// </summary>
internal sealed class ShardsHealthCheck(HostedShardsHealth shards) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var verdict = shards.Evaluate(HostedShardsHealth.DefaultStallThreshold);
        var summary = $"{verdict.Active} of {verdict.Hosted} shards in this silo have a live session.";
        return Task.FromResult(verdict.IsHealthy
            ? HealthCheckResult.Healthy(summary)
            : HealthCheckResult.Degraded($"{summary} {string.Join("; ", verdict.Problems)}."));
    }
}
