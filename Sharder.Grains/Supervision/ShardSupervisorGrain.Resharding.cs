using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Resharding;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Supervision;

/// <summary>
/// Resharding runs (docs/resharding.md): the I/O of a run. A run is persisted in <c>{prefix}:sharding</c> at every
/// step and advanced by a timer, so a supervisor reactivated on another silo (its silo killed) picks it up where it
/// was. Each tick gathers what the <see cref="ReshardRunMachine"/> asks for, and carries out the step it returns.
/// </summary>
internal sealed partial class ShardSupervisorGrain
{
    /// <summary>How long a retired checkpoint keeps fencing a straggling activation of the old generation.</summary>
    internal static readonly TimeSpan RetiredFenceLifetime = TimeSpan.FromDays(7);

    private readonly ShardingStore _sharding;
    private readonly RedisEventPublisher _publisher;
    private readonly ReshardOptions _reshard;
    private readonly ReshardRunMachine _runMachine;
    private readonly bool _selectionFromGateway;
    private readonly bool _reshardOnConfigChange;
    private bool _warnedStoredTotal;
    private string? _promotedRun;
    private ShardingRecord? _record;
    private int _inServiceTotal;
    private bool _closingOldGeneration;
    private IGrainTimer? _reshardTimer;

    public async Task<ReshardStartResult> StartReshardAsync(int total, string reason)
    {
        var selection = await _selection.GetAsync().ConfigureAwait(true);
        var record = await LoadAsync(selection.Total).ConfigureAwait(true);
        if (ReshardRunMachine.RefuseStart(record, selection.ShardIds, selection.Total, total) is { } refused)
        {
            return refused;
        }

        var coordinator = GrainFactory.GetGrain<IShardCoordinatorGrain>(IShardCoordinatorGrain.SingletonKey);
        var budget = await coordinator.GetStatusAsync().ConfigureAwait(true);
        if (budget.GatewayInfoAt is null)
        {
            // The ledger never saw Discord's figures (a cold start): asking for the gateway URL reads /gateway/bot once.
            await coordinator.GetGatewayUrlAsync().ConfigureAwait(true);
            budget = await coordinator.GetStatusAsync().ConfigureAwait(true);
        }

        if (_runMachine.RefuseForBudget(total, budget.Remaining, budget.ResetAt) is { } tooFew)
        {
            ReshardLog.RefusedForBudget(_logger, record.Total, total, _runMachine.SessionStartsNeeded(total), budget.Remaining);
            return tooFew;
        }

        var run = _runMachine.Start(Guid.NewGuid().ToString("N")[..12], record.Total, total, _timeProvider.GetUtcNow(), reason);
        await SaveAsync(run).ConfigureAwait(true);
        ReshardLog.Started(_logger, run.RunId, run.From, run.To, reason);
        _instruments.OnReshardState(ShardingStore.ToText(run.State));
        StartReshardTimer();
        return new ReshardStartResult(ReshardStartOutcome.Started, run, null);
    }

    public async Task<ReshardRun?> GetReshardAsync()
    {
        var selection = await _selection.GetAsync().ConfigureAwait(true);
        return (await LoadAsync(selection.Total).ConfigureAwait(true)).Run;
    }

    public async Task<ReshardRun?> CancelReshardAsync()
    {
        var selection = await _selection.GetAsync().ConfigureAwait(true);
        var record = await LoadAsync(selection.Total).ConfigureAwait(true);
        var step = ReshardRunMachine.Cancel(record.ActiveRun);
        return step.Kind == ReshardStepKind.RollBack
            ? await RollBackAsync(step.Run!, record, step.Why!).ConfigureAwait(true)
            : record.Run;
    }

    /// <summary>On activation: an active run continues; a run that completed lately makes sure its generation took over the commands.</summary>
    private async Task ResumeReshardAsync()
    {
        try
        {
            var selection = await _selection.GetAsync().ConfigureAwait(true);
            var record = await LoadAsync(selection.Total).ConfigureAwait(true);
            var step = ReshardRunMachine.OnActivation(record, _timeProvider.GetUtcNow());
            if (step.Kind == ReshardStepKind.Resume)
            {
                ReshardLog.Resumed(_logger, step.Run!.RunId, step.Run.State);
                StartReshardTimer();
            }
            else if (step.Kind == ReshardStepKind.Promote)
            {
                await PromoteAsync(step.Run!).ConfigureAwait(true);
            }
        }
#pragma warning disable CA1031 // Logged; the ensure timer (which reads the record too) retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SupervisionLog.SelectionFailed(_logger, ex);
        }
    }

    private void StartReshardTimer()
    {
        _reshardTimer ??= this.RegisterGrainTimer(
            static (grain, _) => grain.AdvanceReshardAsync(),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = TimeSpan.Zero,
                Period = _reshard.PollInterval,
                KeepAlive = true,
                Interleave = false,
            });
    }

    private void StopReshardTimer()
    {
        _reshardTimer?.Dispose();
        _reshardTimer = null;
        _closingOldGeneration = false;
    }

    /// <summary>One step of the active run; every step is persisted before it acts, and safe to repeat.</summary>
    private async Task AdvanceReshardAsync()
    {
        try
        {
            var selection = await _selection.GetAsync().ConfigureAwait(true);
            var record = await LoadAsync(selection.Total).ConfigureAwait(true);
            var now = _timeProvider.GetUtcNow();
            var step = _runMachine.Next(record.ActiveRun, now);
            if (step.Kind == ReshardStepKind.ObserveNewGeneration)
            {
                await EnsureGenerationAsync(step.Run!.To).ConfigureAwait(true);
                var progress = await ProgressAsync(step.Run.To).ConfigureAwait(true);
                step = _runMachine.AfterNewGeneration(step.Run, progress, _timeProvider.GetUtcNow());
            }
            else if (step.Kind == ReshardStepKind.ObserveOldGeneration)
            {
                var statuses = await GetShardStatusesAsync(step.Run!.From).ConfigureAwait(true);
                step = _runMachine.AfterOldGeneration(step.Run, statuses, now);
            }

            await CarryOutAsync(step, record).ConfigureAwait(true);
        }
#pragma warning disable CA1031 // Logged; the next tick retries the same step (every step is safe to repeat).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReshardLog.StepFailed(_logger, ex);
        }
    }

    /// <summary>Persists the step's runs, then acts on it.</summary>
    private async Task CarryOutAsync(ReshardStep step, ShardingRecord record)
    {
        var run = step.Run;
        foreach (var save in step.Saves)
        {
            run = await SaveAsync(save).ConfigureAwait(true);
        }

        switch (step.Kind)
        {
            case ReshardStepKind.Stop:
                StopReshardTimer();
                break;
            case ReshardStepKind.StartNewGeneration:
                await EnsureGenerationAsync(run!.To).ConfigureAwait(true);
                break;
            case ReshardStepKind.FixCutover:
                ReshardLog.CutoverFixed(_logger, run!.RunId, run.Cutover!.Value, run.Window);
                await SendCutoverAsync(run).ConfigureAwait(true);
                break;
            case ReshardStepKind.HoldSwitch:
                // Repeated until the close: a shard reactivated meanwhile reads T from Redis, this covers a missed call.
                await SendCutoverAsync(run!).ConfigureAwait(true);
                await EnsureGenerationAsync(run!.To).ConfigureAwait(true);
                break;
            case ReshardStepKind.Complete:
                await CompleteAsync(run!, record).ConfigureAwait(true);
                break;
            case ReshardStepKind.RollBack:
                await RollBackAsync(run!, record, step.Why!).ConfigureAwait(true);
                break;
        }
    }

    private async Task CompleteAsync(ReshardRun run, ShardingRecord record)
    {
        _closingOldGeneration = true;
        var newProgress = await ProgressAsync(run.To).ConfigureAwait(true);
        var oldLast = new SortedDictionary<int, long>();
        await ForEachShardAsync(run.From, async shard =>
        {
            long last = -1;
            try
            {
                last = await GrainFactory.GetShard(shard).RetireAsync().ConfigureAwait(true);
            }
#pragma warning disable CA1031 // An old shard that is not running (it refuses to reconnect after the close) has nothing left to close.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SupervisionLog.ShardCallFailed(_logger, shard.Id, ex);
            }

            await _publisher.RetireCheckpointAsync(shard.Id, record.KeyTotalOf(run.From), RetiredFenceLifetime).ConfigureAwait(true);
            lock (oldLast)
            {
                oldLast[shard.Id] = last;
            }
        }).ConfigureAwait(true);

        var marker = ReshardMarkers.Resharded(run, oldLast, newProgress);
        await _publisher.PublishGenerationMarkerAsync(marker, NewShardKeys(run, record)).ConfigureAwait(true);
        var done = await SaveAsync(ReshardRunMachine.Completed(run, _timeProvider.GetUtcNow()), totalInService: run.To).ConfigureAwait(true);
        StopReshardTimer();
        await PromoteAsync(done).ConfigureAwait(true);
        ReshardLog.Completed(_logger, done.RunId, done.From, done.To, done.EndedAt!.Value - done.StartedAt);
    }

    private async Task<ReshardRun> RollBackAsync(ReshardRun run, ShardingRecord record, string why)
    {
        await ForEachShardAsync(run.To, async shard =>
        {
            try
            {
                await GrainFactory.GetShard(shard).RetireAsync().ConfigureAwait(true);
            }
#pragma warning disable CA1031 // A new shard that never started has nothing to close.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SupervisionLog.ShardCallFailed(_logger, shard.Id, ex);
            }

            await _publisher.RetireCheckpointAsync(shard.Id, record.KeyTotalOf(run.To), RetiredFenceLifetime).ConfigureAwait(true);
        }).ConfigureAwait(true);

        var rolledBack = ReshardRunMachine.RolledBack(run, why, _timeProvider.GetUtcNow());
        await _publisher.PublishGenerationMarkerAsync(ReshardMarkers.RolledBack(run, why), OldShardKeys(run, record)).ConfigureAwait(true);
        await SaveAsync(rolledBack).ConfigureAwait(true);
        StopReshardTimer();
        ReshardLog.RolledBack(_logger, run.RunId, run.From, run.To, why);
        return rolledBack;
    }

    /// <summary>
    /// Tells every shard of a completed run's generation that it is in service (it takes its commands). Repeated
    /// by each ensure pass until every shard answered, so a shard that missed the call is promoted later.
    /// </summary>
    private async Task PromoteAsync(ReshardRun done)
    {
        var failed = 0;
        await ForEachShardAsync(done.To, async shard =>
        {
            try
            {
                await GrainFactory.GetShard(shard).PromoteAsync().ConfigureAwait(true);
            }
#pragma warning disable CA1031 // Retried by the next ensure pass.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref failed);
                SupervisionLog.ShardCallFailed(_logger, shard.Id, ex);
            }
        }).ConfigureAwait(true);
        _promotedRun = failed == 0 ? done.RunId : null;
    }

    /// <summary>Called by each ensure pass: promotes the generation of a completed run until every shard took it.</summary>
    private Task PromoteIfPendingAsync()
        => ReshardRunMachine.NeedsPromotion(_record, _promotedRun) ? PromoteAsync(_record!.Run!) : Task.CompletedTask;

    private static IEnumerable<(int, int)> NewShardKeys(ReshardRun run, ShardingRecord record)
        => Enumerable.Range(0, run.To).Select(id => (id, record.KeyTotalOf(run.To)));

    private static IEnumerable<(int, int)> OldShardKeys(ReshardRun run, ShardingRecord record)
        => Enumerable.Range(0, run.From).Select(id => (id, record.KeyTotalOf(run.From)));

    private Task SendCutoverAsync(ReshardRun run)
    {
        var cutover = run.Cutover!.Value;
        return Task.WhenAll(
            ForEachShardAsync(run.From, shard => TryAsync(shard, GrainFactory.GetShard(shard).SetCutoverAsync(cutover, run.Window))),
            ForEachShardAsync(run.To, shard => TryAsync(shard, GrainFactory.GetShard(shard).SetCutoverAsync(cutover, run.Window))));
    }

    private Task EnsureGenerationAsync(int total)
        => ForEachShardAsync(total, shard => EnsureShardAsync(shard, null));

    private async Task<IReadOnlyDictionary<int, ShardReshardProgress>> ProgressAsync(int total)
    {
        var progress = new Dictionary<int, ShardReshardProgress>();
        await ForEachShardAsync(total, async shard =>
        {
            try
            {
                var answer = await GrainFactory.GetShard(shard).GetReshardProgressAsync().ConfigureAwait(true);
                lock (progress)
                {
                    progress[shard.Id] = answer;
                }
            }
#pragma warning disable CA1031 // A shard that cannot answer is not ready; asked again next tick.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SupervisionLog.ShardCallFailed(_logger, shard.Id, ex);
            }
        }).ConfigureAwait(true);
        return progress;
    }

    private async Task TryAsync(ShardRef shard, Task call)
    {
        try
        {
            await call.ConfigureAwait(true);
        }
#pragma warning disable CA1031 // Repeated next tick; a shard that reactivates reads the run from Redis.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SupervisionLog.ShardCallFailed(_logger, shard.Id, ex);
        }
    }

    /// <summary>Calls <paramref name="action"/> for every shard of a generation, at most <see cref="SupervisorOptions.MaxConcurrentActivations"/> at once.</summary>
    private async Task ForEachShardAsync(int total, Func<ShardRef, Task> action)
    {
        var running = new List<Task>(_options.MaxConcurrentActivations);
        for (int id = 0; id < total; id++)
        {
            if (running.Count >= _options.MaxConcurrentActivations)
            {
                var finished = await Task.WhenAny(running).ConfigureAwait(true);
                running.Remove(finished);
                await finished.ConfigureAwait(true);
            }

            running.Add(action(new ShardRef(id, total)));
        }

        await Task.WhenAll(running).ConfigureAwait(true);
    }

    private async Task<ReshardRun> SaveAsync(ReshardRun run, int? totalInService = null)
    {
        await _sharding.SaveAsync(run, totalInService).ConfigureAwait(true);
        _record = (_record ?? new ShardingRecord(totalInService ?? run.From, run.From, run)) with { Run = run };
        if (totalInService is { } total)
        {
            _record = _record with { Total = total };
            _inServiceTotal = total;
        }

        _instruments.OnReshardState(ShardingStore.ToText(run.State));
        return run;
    }

    private async Task<ShardingRecord> LoadAsync(int configuredTotal)
    {
        var record = await _sharding.LoadAsync(configuredTotal).ConfigureAwait(true);
        _record = record;
        _inServiceTotal = record.Total;
        return record;
    }

    /// <summary>
    /// The shard ids of the generation in service. With a whole-bot cluster the stored total wins over
    /// configuration after a run; a changed configured total starts a run once (<c>Sharding:ReshardOnConfigChange</c>).
    /// </summary>
    private async Task<IReadOnlyList<int>> InServiceShardIdsAsync()
    {
        var selection = await _selection.GetAsync().ConfigureAwait(true);
        var record = await LoadAsync(selection.Total).ConfigureAwait(true);
        var wholeBot = selection.ShardIds.Count == selection.Total;
        if (!wholeBot)
        {
            _inServiceTotal = selection.Total;
            return selection.ShardIds;
        }

        if (record.LastConfiguredTotal != selection.Total && !_selectionFromGateway)
        {
            await _sharding.NoteConfiguredTotalAsync(selection.Total).ConfigureAwait(true);
            if (_reshardOnConfigChange && record.ActiveRun is null && selection.Total != record.Total)
            {
                var result = await StartReshardAsync(selection.Total, "configuration").ConfigureAwait(true);
                ReshardLog.ConfigurationRun(_logger, selection.Total, result.Outcome, result.Message);
            }
        }
        else if (selection.Total != record.Total && record.ActiveRun is null && !_warnedStoredTotal)
        {
            _warnedStoredTotal = true;
            ReshardLog.StoredTotalWins(_logger, record.Total, selection.Total);
        }

        return [.. Enumerable.Range(0, record.Total)];
    }

    private ShardRef InService(int shardId) => new(shardId, _inServiceTotal);
}
