using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;
using Sharder.Silo.Admin;
using Sharder.Silo.Security;

namespace Sharder.Silo.Extensions;

/// <summary>
/// The operator's routes under <c>/admin/</c>, guarded by <see cref="AdminTokenFilter"/>; the work is
/// the supervisor grain's (<see cref="IShardSupervisorGrain.MoveShardAsync"/>, <see cref="IShardSupervisorGrain.DrainSiloAsync"/>,
/// <see cref="IShardSupervisorGrain.EnsureShardsAsync"/>). Moves answer once the shards were asked to migrate; each
/// resumes on its new silo shortly after (watch <c>/status</c>).
/// </summary>
internal static class AdminEndpoints
{
    /// <summary>Longest wait for the supervisor; an ensure over many shards may take a while.</summary>
    internal static readonly TimeSpan GrainTimeout = TimeSpan.FromSeconds(30);

    public static IEndpointRouteBuilder MapAdminRoutes(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var admin = endpoints.MapGroup(AdminTokenFilter.Prefix).AddEndpointFilter<AdminTokenFilter>();
        admin.MapPost("/shards/{id:int}/move", MoveAsync);
        admin.MapPost("/silos/{address}/drain", DrainAsync);
        admin.MapPost("/shards/ensure", EnsureAsync);
        admin.MapReshardRoutes();
        return endpoints;
    }

    /// <summary><c>POST /admin/shards/{id}/move[?to=silo]</c>: 202 moving, 200 already there, 404 unknown shard or silo, 409 no target.</summary>
    internal static async Task<IResult> MoveAsync(
        int id, string? to, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails local, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        SiloAddress? target = null;
        if (!string.IsNullOrWhiteSpace(to))
        {
            target = SiloAddressQuery.Resolve(to, local.SiloAddress, ActiveSilos(membership));
            if (target is null)
            {
                return NoSuchSilo(to);
            }
        }

        var result = await CallAsync(Supervisor(grains).MoveShardAsync(id, target), timeProvider, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Unavailable();
        }

        var body = Describe(result);
        return result.Outcome switch
        {
            ShardMoveOutcome.Moving => Results.Json(body, statusCode: StatusCodes.Status202Accepted),
            ShardMoveOutcome.AlreadyThere => Results.Json(body),
            ShardMoveOutcome.UnknownShard or ShardMoveOutcome.TargetNotActive => Results.Json(body, statusCode: StatusCodes.Status404NotFound),
            ShardMoveOutcome.TargetDrained or ShardMoveOutcome.NoTarget => Results.Json(body, statusCode: StatusCodes.Status409Conflict),
            _ => Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }

    /// <summary><c>POST /admin/silos/{address|self}/drain</c>: 200 with the moves started, 404 unknown silo, 409 no other silo.</summary>
    internal static async Task<IResult> DrainAsync(
        string address, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails local, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (SiloAddressQuery.Resolve(address, local.SiloAddress, ActiveSilos(membership)) is not { } silo)
        {
            return NoSuchSilo(address);
        }

        var result = await CallAsync(Supervisor(grains).DrainSiloAsync(silo), timeProvider, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Unavailable();
        }

        var body = new
        {
            silo = result.Silo.ToString(),
            outcome = result.Outcome.ToString(),
            moves = result.Moves.Select(Describe),
        };
        return result.Outcome switch
        {
            SiloDrainOutcome.Drained => Results.Json(body),
            SiloDrainOutcome.NotActive => Results.Json(body, statusCode: StatusCodes.Status404NotFound),
            _ => Results.Json(body, statusCode: StatusCodes.Status409Conflict),
        };
    }

    /// <summary><c>POST /admin/shards/ensure</c>: activates every configured shard that is not active; 200 with the counts after it.</summary>
    internal static async Task<IResult> EnsureAsync(IGrainFactory grains, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var supervisor = Supervisor(grains);
        if (await CallAsync(EnsureThenStatusAsync(supervisor), timeProvider, cancellationToken).ConfigureAwait(false) is not { } status)
        {
            return Unavailable();
        }

        return Results.Json(new
        {
            shardTotal = status.ShardTotal,
            shards = status.Shards.Length,
            active = status.Shards.Count(static shard => shard.ConnectionState == "Active"),
        });
    }

    private static async Task<ClusterStatus> EnsureThenStatusAsync(IShardSupervisorGrain supervisor)
    {
        await supervisor.EnsureShardsAsync().ConfigureAwait(false);
        return await supervisor.GetStatusAsync().ConfigureAwait(false);
    }

    private static async Task<T?> CallAsync<T>(Task<T> call, TimeProvider timeProvider, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await call.WaitAsync(GrainTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return null;
        }
    }

    private static IShardSupervisorGrain Supervisor(IGrainFactory grains)
        => grains.GetGrain<IShardSupervisorGrain>(IShardSupervisorGrain.SingletonKey);

    private static IEnumerable<SiloAddress> ActiveSilos(IClusterMembershipService membership)
        => membership.CurrentSnapshot.Members.Values.Where(static m => m.Status == SiloStatus.Active).Select(static m => m.SiloAddress);

    private static object Describe(ShardMoveResult move) => new
    {
        shard = move.ShardId,
        from = move.From?.ToString(),
        to = move.To?.ToString(),
        outcome = move.Outcome.ToString(),
    };

    private static IResult NoSuchSilo(string text) => Results.Problem(
        detail: $"No active silo is \"{text}\"; name one as /status lists it, as ip:port (its silo port), or as \"{SiloAddressQuery.Self}\".",
        statusCode: StatusCodes.Status404NotFound);

    private static IResult Unavailable() => Results.Problem(
        detail: "The supervisor did not answer in time; try again.",
        statusCode: StatusCodes.Status503ServiceUnavailable);
}
