namespace Sharder.Grains.Interfaces.Models;

/// <summary>A resharding run, as persisted in <c>{prefix}:sharding</c> and shown by <c>GET /admin/reshard</c>.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="From">The total in service when the run started (the old generation).</param>
/// <param name="To">The new total.</param>
/// <param name="State">Where it is.</param>
/// <param name="StartedAt">When it was accepted.</param>
/// <param name="Cutover">T, once fixed: the old generation publishes events before it, the new one from it on.</param>
/// <param name="Window">W: clockless events received within W of T are published marked overlap.</param>
/// <param name="EndedAt">When it completed or rolled back.</param>
/// <param name="Reason">Why it started (admin, configuration, auto) and, for a rollback, why it ended.</param>
[GenerateSerializer]
[Immutable]
public sealed record ReshardRun(
    [property: Id(0)] string RunId,
    [property: Id(1)] int From,
    [property: Id(2)] int To,
    [property: Id(3)] ReshardState State,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset? Cutover,
    [property: Id(6)] TimeSpan Window,
    [property: Id(7)] DateTimeOffset? EndedAt,
    [property: Id(8)] string Reason)
{
    /// <summary>Whether the run still holds two generations.</summary>
    public bool IsActive => State is not (ReshardState.Completed or ReshardState.RolledBack);
}
