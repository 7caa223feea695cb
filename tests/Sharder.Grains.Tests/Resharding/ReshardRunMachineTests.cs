using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Resharding;

namespace Sharder.Grains.Tests.Resharding;

/// <summary>
/// Every transition the supervisor makes in a run, decided by <see cref="ReshardRunMachine"/> from the persisted run,
/// what the supervisor observed and a <see cref="FakeTimeProvider"/>'s time: no cluster.
/// </summary>
public sealed class ReshardRunMachineTests
{
    private static readonly ReshardOptions Options = new()
    {
        CutoverLead = TimeSpan.FromSeconds(3),
        OverlapWindow = TimeSpan.FromSeconds(1),
        DrainLag = TimeSpan.FromSeconds(2),
        ReadyTimeout = TimeSpan.FromMinutes(15),
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly ReshardRunMachine _machine = new(Options);

    [Fact]
    public void A_starting_run_is_persisted_as_identifying_and_starts_the_new_generation()
    {
        var run = Run(ReshardState.Starting);

        var step = _machine.Next(run, _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.StartNewGeneration, step.Kind);
        var saved = Assert.Single(step.Saves);
        Assert.Equal(run with { State = ReshardState.Identifying }, saved);
        Assert.Equal(saved, step.Run);
    }

    [Theory]
    [InlineData(ReshardState.Identifying)]
    [InlineData(ReshardState.Ready)]
    public void Before_the_ready_timeout_the_new_generation_is_observed(ReshardState state)
    {
        var run = Run(state);
        _time.Advance(Options.ReadyTimeout); // exactly the timeout: not over it yet

        var step = _machine.Next(run, _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.ObserveNewGeneration, step.Kind);
        Assert.Same(run, step.Run);
        Assert.Empty(step.Saves);
    }

    [Fact]
    public void While_a_new_shard_is_not_ready_or_did_not_answer_the_run_waits()
    {
        var run = Run(ReshardState.Identifying);

        var notReady = _machine.AfterNewGeneration(run, Progress(run.To, notReady: 2), _time.GetUtcNow());
        var missing = _machine.AfterNewGeneration(run, Progress(run.To - 1), _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.WaitForNewGeneration, notReady.Kind);
        Assert.Equal(ReshardStepKind.WaitForNewGeneration, missing.Kind);
        Assert.Empty(notReady.Saves);
        Assert.Empty(missing.Saves);
    }

    [Fact]
    public void With_every_new_shard_ready_the_cutover_is_fixed_a_lead_after_the_answers_came_in()
    {
        var run = Run(ReshardState.Identifying) with { Window = TimeSpan.FromSeconds(5) };
        _time.Advance(TimeSpan.FromSeconds(40));
        var answeredAt = _time.GetUtcNow();

        var step = _machine.AfterNewGeneration(run, Progress(run.To), answeredAt);

        Assert.Equal(ReshardStepKind.FixCutover, step.Kind);
        Assert.Equal(2, step.Saves.Count);
        Assert.Equal(run with { State = ReshardState.Ready }, step.Saves[0]);
        Assert.Equal(
            run with { State = ReshardState.Switching, Cutover = answeredAt + Options.CutoverLead, Window = Options.OverlapWindow },
            step.Saves[1]);
        Assert.Equal(step.Saves[1], step.Run);
    }

    [Theory]
    [InlineData(ReshardState.Identifying)]
    [InlineData(ReshardState.Ready)]
    public void A_new_generation_not_ready_within_the_ready_timeout_rolls_the_run_back(ReshardState state)
    {
        var run = Run(state);
        _time.Advance(Options.ReadyTimeout + TimeSpan.FromTicks(1));

        var step = _machine.Next(run, _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.RollBack, step.Kind);
        Assert.Same(run, step.Run);
        Assert.Empty(step.Saves);
        Assert.Equal("the new generation was not ready within Reshard:ReadyTimeout (00:15:00)", step.Why);
    }

    [Fact]
    public void Until_T_plus_W_plus_the_drain_lag_the_switch_is_held()
    {
        var run = Switching(out var closeAt);
        _time.SetUtcNow(closeAt - TimeSpan.FromTicks(1));

        var step = _machine.Next(run, _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.HoldSwitch, step.Kind);
        Assert.Same(run, step.Run);
    }

    [Fact]
    public void From_the_close_time_the_old_generation_is_observed_and_closed_once_it_caught_up()
    {
        var run = Switching(out var closeAt);
        _time.SetUtcNow(closeAt);
        var now = _time.GetUtcNow();

        var observe = _machine.Next(run, now);
        var done = _machine.AfterOldGeneration(run, [Old(0, "Active", now - Options.DrainLag), Old(1, "Active", now - TimeSpan.FromMinutes(5))], now);

        Assert.Equal(ReshardStepKind.ObserveOldGeneration, observe.Kind);
        Assert.Equal(ReshardStepKind.Complete, done.Kind);
        Assert.Same(run, done.Run);
        Assert.Empty(done.Saves);
    }

    [Fact]
    public void An_old_shard_reconnecting_or_resumed_less_than_the_drain_lag_ago_holds_the_close()
    {
        var run = Switching(out var closeAt);
        _time.SetUtcNow(closeAt + TimeSpan.FromSeconds(10));
        var now = _time.GetUtcNow();
        var caughtUp = Old(0, "Active", now - TimeSpan.FromMinutes(5));

        var resumedLately = _machine.AfterOldGeneration(run, [caughtUp, Old(1, "Active", now - Options.DrainLag + TimeSpan.FromTicks(1))], now);
        var resuming = _machine.AfterOldGeneration(run, [caughtUp, Old(1, "Resuming", now - TimeSpan.FromMinutes(5))], now);
        var noSince = _machine.AfterOldGeneration(run, [caughtUp, Old(1, "Active", null)], now);

        Assert.Equal(ReshardStepKind.HoldSwitch, resumedLately.Kind);
        Assert.Equal(ReshardStepKind.HoldSwitch, resuming.Kind);
        Assert.Equal(ReshardStepKind.HoldSwitch, noSince.Kind);
    }

    [Fact]
    public void An_old_generation_with_no_shard_left_running_has_nothing_to_catch_up()
    {
        var run = Switching(out var closeAt);

        var step = _machine.AfterOldGeneration(run, [], closeAt);

        Assert.Equal(ReshardStepKind.Complete, step.Kind);
    }

    [Fact]
    public void The_close_waits_for_catch_up_at_most_MaxCatchUpWait()
    {
        var run = Switching(out var closeAt);

        _time.SetUtcNow(closeAt + ReshardRunMachine.MaxCatchUpWait - TimeSpan.FromTicks(1));
        var stillWaiting = _machine.Next(run, _time.GetUtcNow());
        _time.SetUtcNow(closeAt + ReshardRunMachine.MaxCatchUpWait);
        var closing = _machine.Next(run, _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.ObserveOldGeneration, stillWaiting.Kind);
        Assert.Equal(ReshardStepKind.Complete, closing.Kind);
        Assert.Equal(TimeSpan.FromMinutes(1), ReshardRunMachine.MaxCatchUpWait);
    }

    [Fact]
    public void A_switching_run_without_a_cutover_does_nothing()
    {
        Assert.Equal(ReshardStepKind.None, _machine.Next(Run(ReshardState.Switching), _time.GetUtcNow()).Kind);
    }

    [Theory]
    [InlineData(ReshardState.Completed)]
    [InlineData(ReshardState.RolledBack)]
    public void Without_an_active_run_the_supervisor_stops_advancing(ReshardState state)
    {
        Assert.Equal(ReshardStepKind.Stop, _machine.Next(null, _time.GetUtcNow()).Kind);
        Assert.Equal(ReshardStepKind.Stop, _machine.Next(Run(state), _time.GetUtcNow()).Kind);
    }

    [Theory]
    [InlineData(ReshardState.Starting)]
    [InlineData(ReshardState.Identifying)]
    [InlineData(ReshardState.Ready)]
    public void A_cancel_before_the_switch_rolls_the_run_back(ReshardState state)
    {
        var run = Run(state);

        var step = ReshardRunMachine.Cancel(run);

        Assert.Equal(ReshardStepKind.RollBack, step.Kind);
        Assert.Same(run, step.Run);
        Assert.Equal("cancelled by DELETE /admin/reshard", step.Why);
    }

    [Theory]
    [InlineData(ReshardState.Switching)]
    [InlineData(ReshardState.Completed)]
    [InlineData(ReshardState.RolledBack)]
    public void A_cancel_once_switching_or_after_the_end_changes_nothing(ReshardState state)
    {
        Assert.Equal(ReshardStepKind.None, ReshardRunMachine.Cancel(Run(state)).Kind);
        Assert.Equal(ReshardStepKind.None, ReshardRunMachine.Cancel(null).Kind);
    }

    [Fact]
    public void Ending_a_run_records_when_and_for_a_rollback_why()
    {
        var run = Run(ReshardState.Identifying);
        var at = _time.GetUtcNow() + TimeSpan.FromMinutes(3);

        var completed = ReshardRunMachine.Completed(run, at);
        var rolledBack = ReshardRunMachine.RolledBack(run, "cancelled by DELETE /admin/reshard", at);

        Assert.Equal(run with { State = ReshardState.Completed, EndedAt = at }, completed);
        Assert.Equal(run with { State = ReshardState.RolledBack, EndedAt = at, Reason = "test; rolled back: cancelled by DELETE /admin/reshard" }, rolledBack);
        Assert.False(completed.IsActive);
        Assert.False(rolledBack.IsActive);
    }

    [Theory]
    [InlineData(ReshardState.Starting)]
    [InlineData(ReshardState.Identifying)]
    [InlineData(ReshardState.Ready)]
    [InlineData(ReshardState.Switching)]
    public void A_supervisor_activated_mid_run_resumes_it(ReshardState state)
    {
        var run = Run(state);

        var step = ReshardRunMachine.OnActivation(new ShardingRecord(2, 2, run), _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.Resume, step.Kind);
        Assert.Same(run, step.Run);
    }

    [Fact]
    public void A_supervisor_activated_within_the_hour_after_a_run_completed_promotes_its_generation_again()
    {
        var done = ReshardRunMachine.Completed(Run(ReshardState.Switching), _time.GetUtcNow());
        var record = new ShardingRecord(4, 2, done);

        _time.Advance(TimeSpan.FromMinutes(59));
        var within = ReshardRunMachine.OnActivation(record, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(1));
        var after = ReshardRunMachine.OnActivation(record, _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.Promote, within.Kind);
        Assert.Same(done, within.Run);
        Assert.Equal(ReshardStepKind.None, after.Kind);
    }

    [Fact]
    public void A_supervisor_activated_after_a_rollback_or_without_any_run_does_nothing()
    {
        var rolledBack = ReshardRunMachine.RolledBack(Run(ReshardState.Identifying), "why", _time.GetUtcNow());

        Assert.Equal(ReshardStepKind.None, ReshardRunMachine.OnActivation(new ShardingRecord(2, 2, rolledBack), _time.GetUtcNow()).Kind);
        Assert.Equal(ReshardStepKind.None, ReshardRunMachine.OnActivation(new ShardingRecord(2, 2, null), _time.GetUtcNow()).Kind);
    }

    [Fact]
    public void A_completed_run_needs_promoting_until_every_shard_took_it()
    {
        var done = ReshardRunMachine.Completed(Run(ReshardState.Switching), _time.GetUtcNow());
        var record = new ShardingRecord(4, 2, done);

        Assert.True(ReshardRunMachine.NeedsPromotion(record, null));
        Assert.True(ReshardRunMachine.NeedsPromotion(record, "an earlier run"));
        Assert.False(ReshardRunMachine.NeedsPromotion(record, done.RunId));
        Assert.False(ReshardRunMachine.NeedsPromotion(null, null));
        Assert.False(ReshardRunMachine.NeedsPromotion(new ShardingRecord(2, 2, Run(ReshardState.Identifying)), null));
        Assert.False(ReshardRunMachine.NeedsPromotion(new ShardingRecord(2, 2, ReshardRunMachine.RolledBack(done, "x", _time.GetUtcNow())), null));
    }

    [Fact]
    public void A_whole_run_goes_from_starting_to_completed_across_a_supervisor_reactivation()
    {
        var driver = new RunDriver(_machine, Run(ReshardState.Starting));

        Assert.Equal(ReshardStepKind.StartNewGeneration, driver.Tick(_time, Progress(4, notReady: 1), []));
        Assert.Equal(ReshardState.Identifying, driver.Persisted.State);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ReshardStepKind.WaitForNewGeneration, driver.Tick(_time, Progress(4, notReady: 1), []));

        // The supervisor's silo dies; a new activation reads the persisted run and a new machine continues it.
        Assert.Equal(ReshardStepKind.Resume, ReshardRunMachine.OnActivation(new ShardingRecord(2, 2, driver.Persisted), _time.GetUtcNow()).Kind);
        driver = new RunDriver(new ReshardRunMachine(Options), driver.Persisted, driver.History);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ReshardStepKind.FixCutover, driver.Tick(_time, Progress(4), []));
        Assert.Equal([ReshardState.Identifying, ReshardState.Ready, ReshardState.Switching], driver.History.Select(r => r.State));
        var cutover = driver.Persisted.Cutover!.Value;
        Assert.Equal(_time.GetUtcNow() + Options.CutoverLead, cutover);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ReshardStepKind.HoldSwitch, driver.Tick(_time, Progress(4), []));
        _time.SetUtcNow(cutover + Options.OverlapWindow + Options.DrainLag);
        var now = _time.GetUtcNow();
        Assert.Equal(ReshardStepKind.HoldSwitch, driver.Tick(_time, Progress(4), [Old(0, "Active", now - TimeSpan.FromMinutes(9)), Old(1, "Resuming", now)]));
        _time.Advance(TimeSpan.FromSeconds(3));
        now = _time.GetUtcNow();
        Assert.Equal(ReshardStepKind.Complete, driver.Tick(_time, Progress(4), [Old(0, "Active", now - TimeSpan.FromMinutes(9)), Old(1, "Active", now - Options.DrainLag)]));
        Assert.Equal(ReshardStepKind.Stop, _machine.Next(ReshardRunMachine.Completed(driver.Persisted, now), now).Kind);
        Assert.Equal([ReshardState.Identifying, ReshardState.Ready, ReshardState.Switching], driver.History.Select(r => r.State));
    }

    private ReshardRun Run(ReshardState state)
        => new("run1", 2, 4, state, _time.GetUtcNow(), null, Options.OverlapWindow, null, "test");

    /// <summary>A switching run whose T is 3 s from now; <paramref name="closeAt"/> is T + W + DrainLag.</summary>
    private ReshardRun Switching(out DateTimeOffset closeAt)
    {
        var cutover = _time.GetUtcNow() + Options.CutoverLead;
        closeAt = cutover + Options.OverlapWindow + Options.DrainLag;
        return Run(ReshardState.Switching) with { Cutover = cutover };
    }

    private static Dictionary<int, ShardReshardProgress> Progress(int answering, int notReady = 0)
        => Enumerable.Range(0, answering).ToDictionary(
            id => id,
            id => new ShardReshardProgress(new ShardRef(id, 4), id >= notReady, id < notReady ? 3 : 0, 10, 20, 0, 0));

    private static ShardGrainStatus Old(int shardId, string state, DateTimeOffset? since)
        => new(shardId, 2, SiloAddress.Zero, state, "session", 5, 1, ShardStartKind.Identify, DateTimeOffset.UnixEpoch, null, 0, 1, false)
        {
            StateSince = since,
        };

    /// <summary>What the supervisor grain does with the machine, minus the I/O: observe when asked, persist the saves.</summary>
    private sealed class RunDriver(ReshardRunMachine machine, ReshardRun persisted, List<ReshardRun>? history = null)
    {
        public ReshardRun Persisted { get; private set; } = persisted;

        /// <summary>Every run persisted, in order (shared with the driver of an earlier activation).</summary>
        public List<ReshardRun> History { get; } = history ?? [];

        public ReshardStepKind Tick(TimeProvider time, IReadOnlyDictionary<int, ShardReshardProgress> newGeneration, IEnumerable<ShardGrainStatus> oldGeneration)
        {
            var now = time.GetUtcNow();
            var step = machine.Next(Persisted, now);
            step = step.Kind switch
            {
                ReshardStepKind.ObserveNewGeneration => machine.AfterNewGeneration(step.Run!, newGeneration, time.GetUtcNow()),
                ReshardStepKind.ObserveOldGeneration => machine.AfterOldGeneration(step.Run!, oldGeneration, now),
                _ => step,
            };
            foreach (var save in step.Saves)
            {
                History.Add(save);
                Persisted = save;
            }

            return step.Kind;
        }
    }
}
