using System.Globalization;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Resharding;

/// <summary>
/// The decisions of a resharding run (docs/resharding.md), apart from its I/O: given the persisted run, the time and
/// what the supervisor observed of the two generations, which step comes next. <c>starting</c> → <c>identifying</c>
/// (the new generation identifies while the old one publishes) → <c>ready</c> → <c>switching</c> (T fixed and sent to
/// both generations; the old one closes once T + W + <see cref="ReshardOptions.DrainLag"/> passed and it caught up)
/// → <c>completed</c>; or <c>rolled_back</c> (not ready within <see cref="ReshardOptions.ReadyTimeout"/>, or cancelled
/// before switching). Every step is derived from the persisted run alone, so a supervisor reactivated mid-run continues.
/// Pure: no grain calls, no Redis, no clock of its own.
/// </summary>
internal sealed class ReshardRunMachine
{
    /// <summary>How long past T + W + DrainLag the close waits for old shards that are reconnecting (a silo died).</summary>
    public static readonly TimeSpan MaxCatchUpWait = TimeSpan.FromMinutes(1);

    /// <summary>How long after a run completed a new supervisor activation still promotes its generation.</summary>
    public static readonly TimeSpan PromoteOnActivationWithin = TimeSpan.FromHours(1);

    /// <summary>Why a run cancelled through the admin route rolls back.</summary>
    public const string CancelledWhy = "cancelled by DELETE /admin/reshard";

    private readonly ReshardOptions _options;

    public ReshardRunMachine(ReshardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>
    /// Why a run to <paramref name="total"/> shards cannot start, checked before the budget is read; null when it may.
    /// </summary>
    /// <param name="record">The persisted record.</param>
    /// <param name="shardIds">The shard ids this cluster runs (from configuration).</param>
    /// <param name="configuredTotal">The configured shard total.</param>
    /// <param name="total">The new total asked for.</param>
    public static ReshardStartResult? RefuseStart(ShardingRecord record, IReadOnlyList<int> shardIds, int configuredTotal, int total)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(shardIds);
        if (record.ActiveRun is { } active)
        {
            return new ReshardStartResult(
                ReshardStartOutcome.AlreadyActive,
                active,
                $"Run {active.RunId} ({active.From} → {active.To} shards) is {ShardingStore.ToText(active.State)}; wait for it to end, "
                + "or roll it back with DELETE /admin/reshard before it switches.");
        }

        if (shardIds.Count != configuredTotal)
        {
            return new ReshardStartResult(
                ReshardStartOutcome.NotWholeBot,
                null,
                $"This cluster runs shards {shardIds[0]}..{shardIds[^1]} of {configuredTotal} "
                + "(DISCORD_SHARD_START / DISCORD_SHARD_UNTIL); resharding needs one cluster running every shard (START=0, UNTIL=TOTAL-1).");
        }

        if (total < 1 || total == record.Total || total > ushort.MaxValue)
        {
            return new ReshardStartResult(
                ReshardStartOutcome.InvalidTotal,
                null,
                $"The new total must be a shard count from 1 to {ushort.MaxValue} other than the {record.Total} in service; it was {total}.");
        }

        return null;
    }

    /// <summary>Session starts a run to <paramref name="total"/> shards needs: the new shards and the reserve.</summary>
    public int SessionStartsNeeded(int total) => total + _options.ReserveFor(total);

    /// <summary>The refusal when fewer than <see cref="SessionStartsNeeded"/> session starts remain; null when enough do.</summary>
    /// <param name="total">The new total asked for.</param>
    /// <param name="remaining">Session starts left in the budget.</param>
    /// <param name="resetAt">When the budget resets; null when no budget window runs.</param>
    public ReshardStartResult? RefuseForBudget(int total, int remaining, DateTimeOffset? resetAt)
    {
        var needed = SessionStartsNeeded(total);
        if (remaining >= needed)
        {
            return null;
        }

        var resets = resetAt is { } at ? at.ToString("O", CultureInfo.InvariantCulture) : "unknown (no budget window runs)";
        var message = $"Resharding to {total} shards needs {needed} session starts ({total} new shards + a reserve of {needed - total}, "
            + $"Reshard:SessionStartReserve); {remaining} remain, and the budget resets at {resets}. Nothing was changed.";
        return new ReshardStartResult(ReshardStartOutcome.InsufficientBudget, null, message);
    }

    /// <summary>A new run from the <paramref name="from"/> shards in service to <paramref name="to"/>, as first persisted.</summary>
    public ReshardRun Start(string runId, int from, int to, DateTimeOffset now, string reason)
        => new(runId, from, to, ReshardState.Starting, now, null, _options.OverlapWindow, null, reason);

    /// <summary>A tick's first decision, from the active run (null: none) and the time the tick began.</summary>
    public ReshardStep Next(ReshardRun? active, DateTimeOffset now)
    {
        if (active is not { IsActive: true } run)
        {
            return ReshardStep.Stop;
        }

        switch (run.State)
        {
            case ReshardState.Starting:
                var identifying = run with { State = ReshardState.Identifying };
                return new ReshardStep(ReshardStepKind.StartNewGeneration, identifying) { Saves = [identifying] };

            case ReshardState.Identifying or ReshardState.Ready:
                return now - run.StartedAt > _options.ReadyTimeout
                    ? RollBack(run, $"the new generation was not ready within Reshard:ReadyTimeout ({_options.ReadyTimeout})")
                    : new ReshardStep(ReshardStepKind.ObserveNewGeneration, run);

            case ReshardState.Switching when run.Cutover is { } cutover:
                var closeAt = cutover + run.Window + _options.DrainLag;
                if (now < closeAt)
                {
                    return new ReshardStep(ReshardStepKind.HoldSwitch, run);
                }

                // Old shards still reconnecting are waited for at most MaxCatchUpWait: then they are closed regardless.
                return now >= closeAt + MaxCatchUpWait
                    ? new ReshardStep(ReshardStepKind.Complete, run)
                    : new ReshardStep(ReshardStepKind.ObserveOldGeneration, run);

            default:
                return ReshardStep.None;
        }
    }

    /// <summary>
    /// After <see cref="ReshardStepKind.ObserveNewGeneration"/>: with every new shard answering ready, T is fixed
    /// <see cref="ReshardOptions.CutoverLead"/> after <paramref name="now"/> (read once the answers are in).
    /// </summary>
    public ReshardStep AfterNewGeneration(ReshardRun run, IReadOnlyDictionary<int, ShardReshardProgress> progress, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.Count != run.To || !progress.Values.All(p => p.IsReady))
        {
            return new ReshardStep(ReshardStepKind.WaitForNewGeneration, run);
        }

        var ready = run with { State = ReshardState.Ready };
        var switching = ready with { State = ReshardState.Switching, Cutover = now + _options.CutoverLead, Window = _options.OverlapWindow };
        return new ReshardStep(ReshardStepKind.FixCutover, switching) { Saves = [ready, switching] };
    }

    /// <summary>
    /// After <see cref="ReshardStepKind.ObserveOldGeneration"/>: the old generation caught up when every shard has had
    /// its session for <see cref="ReshardOptions.DrainLag"/> (one that resumed after a crash replayed what it missed),
    /// so it received every event created before T.
    /// </summary>
    public ReshardStep AfterOldGeneration(ReshardRun run, IEnumerable<ShardGrainStatus> oldGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(oldGeneration);
        var caughtUp = oldGeneration.All(s => s.ConnectionState == "Active" && s.StateSince is { } since && now - since >= _options.DrainLag);
        return new ReshardStep(caughtUp ? ReshardStepKind.Complete : ReshardStepKind.HoldSwitch, run);
    }

    /// <summary>An operator's cancel: rolls the active run back unless it is already switching (T may have passed).</summary>
    public static ReshardStep Cancel(ReshardRun? active)
        => active is { IsActive: true, State: not ReshardState.Switching } run ? RollBack(run, CancelledWhy) : ReshardStep.None;

    /// <summary>On a supervisor's activation: an active run continues; one that completed within the hour is promoted again.</summary>
    public static ReshardStep OnActivation(ShardingRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.ActiveRun is { } run)
        {
            return new ReshardStep(ReshardStepKind.Resume, run);
        }

        return record.Run is { State: ReshardState.Completed, EndedAt: { } ended } done && now - ended < PromoteOnActivationWithin
            ? new ReshardStep(ReshardStepKind.Promote, done)
            : ReshardStep.None;
    }

    /// <summary>Whether a completed run's generation still has to be promoted (<paramref name="promotedRunId"/>: the last run every shard took).</summary>
    public static bool NeedsPromotion(ShardingRecord? record, string? promotedRunId)
        => record?.Run is { State: ReshardState.Completed } done && !string.Equals(promotedRunId, done.RunId, StringComparison.Ordinal);

    /// <summary>The run as persisted once the old generation is closed.</summary>
    public static ReshardRun Completed(ReshardRun run, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run with { State = ReshardState.Completed, EndedAt = endedAt };
    }

    /// <summary>The run as persisted once the new generation is closed: its reason says why it was rolled back.</summary>
    public static ReshardRun RolledBack(ReshardRun run, string why, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run with { State = ReshardState.RolledBack, EndedAt = endedAt, Reason = $"{run.Reason}; rolled back: {why}" };
    }

    private static ReshardStep RollBack(ReshardRun run, string why) => new(ReshardStepKind.RollBack, run) { Why = why };
}
