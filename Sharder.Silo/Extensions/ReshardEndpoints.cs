using System.Text.Json;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Silo.Extensions;

/// <summary>
/// <c>/admin/reshard</c> (docs/resharding.md): POST starts a run (<c>{"total": 8}</c>), GET shows the current or
/// last run, DELETE rolls back a run that has not switched yet. Token-protected with the other admin routes.
/// </summary>
internal static class ReshardEndpoints
{
    public static RouteGroupBuilder MapReshardRoutes(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapPost("/reshard", StartAsync);
        admin.MapGet("/reshard", GetAsync);
        admin.MapDelete("/reshard", CancelAsync);
        return admin;
    }

    /// <summary><c>POST /admin/reshard</c>: 202 with the run; 400 without a total; 409 for budget, a run already active or a partial cluster.</summary>
    internal static async Task<IResult> StartAsync(HttpRequest request, IGrainFactory grains, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await ReadTotalAsync(request, cancellationToken).ConfigureAwait(false) is not { } total)
        {
            return Results.Problem(detail: "Send a JSON body with the new shard total, e.g. {\"total\": 8}.", statusCode: StatusCodes.Status400BadRequest);
        }

        ReshardStartResult result;
        try
        {
            result = await Supervisor(grains).StartReshardAsync(total, "admin")
                .WaitAsync(AdminEndpoints.GrainTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return Unavailable();
        }

        if (result.Outcome == ReshardStartOutcome.Started && result.Run is { } run)
        {
            return Results.Json(Describe(run), statusCode: StatusCodes.Status202Accepted);
        }

        var status = result.Outcome == ReshardStartOutcome.InvalidTotal ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        return Results.Json(
            new Dictionary<string, object?>
            {
                ["error"] = ErrorCode(result.Outcome),
                ["message"] = result.Message,
                ["active"] = result.Run is { } active ? Describe(active) : null,
            },
            statusCode: status);
    }

    /// <summary><c>GET /admin/reshard</c>: 200 with the current or last run; 404 when none ever ran.</summary>
    internal static async Task<IResult> GetAsync(IGrainFactory grains, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ReshardRun? run;
        try
        {
            run = await Supervisor(grains).GetReshardAsync().WaitAsync(AdminEndpoints.GrainTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return Unavailable();
        }

        return run is null
            ? Results.Problem(detail: "No resharding run ever ran.", statusCode: StatusCodes.Status404NotFound)
            : Results.Json(Describe(run));
    }

    /// <summary><c>DELETE /admin/reshard</c>: 200 with the rolled-back run; 409 when it already switched or ended; 404 when none ran.</summary>
    internal static async Task<IResult> CancelAsync(IGrainFactory grains, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ReshardRun? run;
        try
        {
            run = await Supervisor(grains).CancelReshardAsync().WaitAsync(AdminEndpoints.GrainTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return Unavailable();
        }

        return run switch
        {
            null => Results.Problem(detail: "No resharding run ever ran.", statusCode: StatusCodes.Status404NotFound),
            { State: ReshardState.RolledBack } when run.EndedAt is not null => Results.Json(Describe(run)),
            _ => Results.Json(
                new Dictionary<string, object?>
                {
                    ["error"] = "not_cancellable",
                    ["message"] = $"Run {run.RunId} is {StateText(run.State)}: a run can be rolled back only before its cut-over is fixed.",
                    ["active"] = Describe(run),
                },
                statusCode: StatusCodes.Status409Conflict),
        };
    }

    /// <summary>The run as the routes and <c>/status</c> show it.</summary>
    internal static Dictionary<string, object?> Describe(ReshardRun run) => new()
    {
        ["run"] = run.RunId,
        ["from"] = run.From,
        ["to"] = run.To,
        ["state"] = StateText(run.State),
        ["startedAt"] = run.StartedAt,
        ["cutover"] = run.Cutover,
        ["windowMs"] = (long)run.Window.TotalMilliseconds,
        ["endedAt"] = run.EndedAt,
        ["reason"] = run.Reason,
    };

    internal static string StateText(ReshardState state) => state switch
    {
        ReshardState.Starting => "starting",
        ReshardState.Identifying => "identifying",
        ReshardState.Ready => "ready",
        ReshardState.Switching => "switching",
        ReshardState.Completed => "completed",
        _ => "rolled_back",
    };

    private static string ErrorCode(ReshardStartOutcome outcome) => outcome switch
    {
        ReshardStartOutcome.InsufficientBudget => "insufficient_budget",
        ReshardStartOutcome.AlreadyActive => "run_active",
        ReshardStartOutcome.NotWholeBot => "not_whole_bot",
        _ => "invalid_total",
    };

    private static async Task<int?> ReadTotalAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("total", out var total)
                && total.ValueKind == JsonValueKind.Number && total.TryGetInt32(out var value)
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IShardSupervisorGrain Supervisor(IGrainFactory grains)
        => grains.GetGrain<IShardSupervisorGrain>(IShardSupervisorGrain.SingletonKey);

    private static IResult Unavailable() => Results.Problem(
        detail: "The supervisor did not answer in time; try again.",
        statusCode: StatusCodes.Status503ServiceUnavailable);
}
