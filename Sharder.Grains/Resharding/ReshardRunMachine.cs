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
