using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Silo.Extensions;

/// <summary>
/// <c>GET /status</c>: every shard's placement, connection state and session, the active silos, and the
/// identify budget, from the supervisor and coordinator grains. 503 when they do not answer in time.
/// </summary>
internal static class StatusEndpoint
{
    internal static readonly TimeSpan GrainTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IResult> GetAsync(IGrainFactory grains, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var supervisor = grains.GetGrain<IShardSupervisorGrain>(IShardSupervisorGrain.SingletonKey);
        var coordinator = grains.GetGrain<IShardCoordinatorGrain>(IShardCoordinatorGrain.SingletonKey);
        try
        {
            var cluster = supervisor.GetStatusAsync();
            var identify = coordinator.GetStatusAsync();
            await Task.WhenAll(cluster, identify).WaitAsync(GrainTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
            return Results.Json(Describe(await cluster.ConfigureAwait(false), await identify.ConfigureAwait(false), timeProvider.GetUtcNow()));
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return Results.Problem(
                detail: $"The supervisor or coordinator did not answer ({ex.GetType().Name}).",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    // Plain shapes: SiloAddress and IPEndPoint do not serialize to JSON.
    // "now" is the silo's clock, so the status page computes ages without trusting the browser's clock.
    private static object Describe(ClusterStatus cluster, IdentifyStatus identify, DateTimeOffset now) => new
    {
        now,
        version = SharderVersion.Current,
        shardTotal = cluster.ShardTotal,
        activeSilos = cluster.ActiveSilos.Select(static silo => silo.ToString()),
        drainedSilos = cluster.DrainedSilos.Select(static silo => silo.ToString()),
        lastRebalanceAt = cluster.LastRebalanceAt,
        lastRebalanceMoves = cluster.LastRebalanceMoves,
        reshard = cluster.Reshard is { } run ? ReshardEndpoints.Describe(run) : null,
        shards = cluster.Shards.Select(static shard => new
        {
            shard = shard.ShardId,
            total = shard.ShardCount,
            generation = shard.Generation,
            silo = shard.Silo?.ToString(),
            state = shard.ConnectionState,
            session = shard.SessionId,
            seq = shard.LastDeliveredSequence,
            epoch = shard.Epoch,
            start = shard.StartKind.ToString(),
            activatedAt = shard.ActivatedAt,
            handoffGapMs = shard.HandoffGap?.TotalMilliseconds,
            resumes = shard.Resumes,
            identifies = shard.Identifies,
            fenced = shard.IsFenced,
            identifyFailures = shard.IdentifyFailures,
            identifyBackoffUntil = shard.IdentifyBackoffUntil,
            stateSince = shard.StateSince,
            heartbeatMs = shard.HeartbeatLatency?.TotalMilliseconds,
            lastCloseCode = shard.LastCloseCode,
            fatalReason = shard.FatalReason,
            reconnects = shard.Reconnects,
            eventsPublished = shard.EventsPublished,
            lastEventAt = shard.LastEventAt,
        }),
        identify = new
        {
            total = identify.Total,
            remaining = identify.Remaining,
            reserve = identify.Reserve,
            resetAt = identify.ResetAt,
            maxConcurrency = identify.MaxConcurrency,
            budgetExhausted = identify.IsBudgetExhausted,
            waitingShards = identify.WaitingShards,
            grants = identify.Grants,
            refusals = identify.Refusals,
            pendingGrants = identify.PendingGrants,
            uncertainGrants = identify.UncertainGrants,
            failedIdentifies = identify.FailedIdentifies,
        },
    };
}
