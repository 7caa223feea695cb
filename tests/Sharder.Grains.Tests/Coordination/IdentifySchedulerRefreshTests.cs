using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Coordination;
using static Sharder.Grains.Tests.Coordination.SchedulerFixture;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Coordination;

/// <summary>
/// The ledger follows Discord's figure both ways: a refresh takes <c>remaining</c> from Discord minus the
/// grants that may not have reached it; failed Identifies stay charged, uncertain, until a refresh settles them.
/// </summary>
public sealed class IdentifySchedulerRefreshTests
{
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = Clock();

    [Fact]
    public void A_refresh_subtracts_the_grants_made_since_just_before_its_request_and_settles_the_older_ones()
    {
        var scheduler = Create(_clock, maxConcurrency: 8, total: 1000, remaining: 800);
        scheduler.RequestMany([0, 1, 2], 8);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var sentAt = _clock.GetUtcNow();
        scheduler.RequestMany([3, 4], 8);

        // Discord saw the first three (an hour-old window) but not the two granted as the request left.
        scheduler.ApplyGatewayInfo(1000, 797, TimeSpan.FromHours(10), 8, sentAt);

        Assert.Equal(795, scheduler.State.Remaining);
        Assert.Equal([3, 4], scheduler.State.Pending.Select(grant => grant.ShardId));
        Assert.Equal(2, scheduler.GetStatus().PendingGrants);
    }

    [Fact]
    public void A_grant_one_window_before_the_request_still_counts_as_not_seen_by_discord()
    {
        var scheduler = Create(_clock, maxConcurrency: 1, total: 1000, remaining: 800);
        scheduler.Request(0, 1);
        _clock.Advance(Window);

        scheduler.ApplyGatewayInfo(1000, 800, TimeSpan.FromHours(10), 1, requestSentAt: _clock.GetUtcNow());

        Assert.Equal(799, scheduler.State.Remaining);
    }

    [Fact]
    public void Identifies_discord_refused_with_op_9_are_given_back_by_the_next_refresh()
    {
        // The case: the ledger charged every grant, Discord charged only the Identifies it accepted.
        var scheduler = Create(_clock, maxConcurrency: 10, total: 100, remaining: 20, reserve: 10);
        Assert.All(scheduler.RequestMany(Enumerable.Range(0, 10), 10), grant => Assert.True(grant.IsGranted));
        Assert.Equal(IdentifyRefusalReason.BudgetExhausted, scheduler.Request(0, 10).Reason);

        _clock.Advance(MinRefreshInterval);
        Assert.True(scheduler.ShouldRefreshBeforeAnswering(lastAttempt: null));
        scheduler.ApplyGatewayInfo(100, 15, TimeSpan.FromHours(20), 10, _clock.GetUtcNow());

        Assert.Equal(15, scheduler.State.Remaining);
        Assert.Empty(scheduler.State.Pending);
        Assert.True(scheduler.Request(0, 10).IsGranted);
    }

    [Fact]
    public void Inside_one_daily_window_a_refresh_can_raise_remaining_as_well_as_lower_it()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 500, resetAfter: TimeSpan.FromHours(10));

        _clock.Advance(TimeSpan.FromMinutes(1));
        scheduler.ApplyGatewayInfo(1000, 600, TimeSpan.FromHours(10) - TimeSpan.FromMinutes(1), 1, _clock.GetUtcNow());
        Assert.Equal(600, scheduler.State.Remaining);

        scheduler.ApplyGatewayInfo(1000, 400, TimeSpan.FromHours(10) - TimeSpan.FromMinutes(1), 1, _clock.GetUtcNow());
        Assert.Equal(400, scheduler.State.Remaining);
        Assert.Equal(Start + TimeSpan.FromHours(10), scheduler.State.ResetAt);
    }

    [Fact]
    public void Refreshing_before_a_refusal_is_allowed_at_most_once_per_interval()
    {
        var scheduler = Create(_clock, total: 100, remaining: 11, reserve: 10);
        Assert.False(scheduler.ShouldRefreshBeforeAnswering(null));
        scheduler.Request(0, 1);

        // Down to the reserve, but the last refresh was just now.
        Assert.False(scheduler.ShouldRefreshBeforeAnswering(null));
        _clock.Advance(MinRefreshInterval - TimeSpan.FromSeconds(1));
        Assert.False(scheduler.ShouldRefreshBeforeAnswering(null));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(scheduler.ShouldRefreshBeforeAnswering(null));

        // A failed attempt by this coordinator counts as well.
        var attempt = _clock.GetUtcNow();
        Assert.False(scheduler.ShouldRefreshBeforeAnswering(attempt));
        Assert.Equal(attempt + MinRefreshInterval, scheduler.NextRefreshAllowedAt(attempt));
        _clock.Advance(MinRefreshInterval);
        Assert.True(scheduler.ShouldRefreshBeforeAnswering(attempt));
    }

    [Fact]
    public void Without_gateway_info_a_refresh_is_tried_again_after_one_identify_window()
    {
        var scheduler = new IdentifyScheduler(null, Settings(), _clock);
        Assert.True(scheduler.ShouldRefreshBeforeAnswering(null));

        var attempt = _clock.GetUtcNow();
        Assert.False(scheduler.ShouldRefreshBeforeAnswering(attempt));
        _clock.Advance(Window);
        Assert.True(scheduler.ShouldRefreshBeforeAnswering(attempt));
    }

    [Fact]
    public void A_failed_identify_stays_charged_and_uncertain_until_a_refresh_settles_it()
    {
        var scheduler = Create(_clock, maxConcurrency: 2, total: 1000, remaining: 900);
        var slot = scheduler.Request(1, 2).Slot();

        Assert.True(scheduler.ReportIdentifyFailed(1, slot));
        Assert.Equal(899, scheduler.State.Remaining);
        Assert.True(scheduler.HasUncertainGrants);
        Assert.Equal((1, 1L), (scheduler.GetStatus().UncertainGrants, scheduler.GetStatus().FailedIdentifies));

        // A refresh too soon after the slot cannot tell: the grant stays pending and uncertain.
        _clock.Advance(TimeSpan.FromSeconds(1));
        scheduler.ApplyGatewayInfo(1000, 900, TimeSpan.FromHours(10), 2, _clock.GetUtcNow());
        Assert.Equal(899, scheduler.State.Remaining);
        Assert.True(scheduler.HasUncertainGrants);

        // Once Discord has had time to count it, its figure settles the grant, whichever way it went.
        _clock.Advance(MinRefreshInterval);
        Assert.True(scheduler.ShouldRefreshBeforeAnswering(null));
        scheduler.ApplyGatewayInfo(1000, 900, TimeSpan.FromHours(10), 2, _clock.GetUtcNow());
        Assert.Equal(900, scheduler.State.Remaining);
        Assert.False(scheduler.HasUncertainGrants);
        Assert.Equal(0, scheduler.GetStatus().UncertainGrants);
    }

    [Fact]
    public void A_failure_reported_after_a_refresh_settled_its_grant_only_counts()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 900);
        var slot = scheduler.Request(0, 1).Slot();
        _clock.Advance(TimeSpan.FromMinutes(1));
        scheduler.ApplyGatewayInfo(1000, 899, TimeSpan.FromHours(10), 1, _clock.GetUtcNow());

        Assert.False(scheduler.ReportIdentifyFailed(0, slot));
        Assert.False(scheduler.ReportIdentifyFailed(5, _clock.GetUtcNow()));

        Assert.Equal(899, scheduler.State.Remaining);
        Assert.False(scheduler.HasUncertainGrants);
        Assert.Equal(2, scheduler.State.Failed);
    }

    [Fact]
    public void A_missed_slot_that_a_refresh_already_gave_back_is_charged_when_replaced()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 900);
        var slot = scheduler.Request(0, 1).Slot();
        _clock.Advance(TimeSpan.FromMinutes(1));

        // Discord never saw the Identify (the shard woke too late), and the refresh settled the grant.
        scheduler.ApplyGatewayInfo(1000, 900, TimeSpan.FromHours(10), 1, _clock.GetUtcNow());
        var replacement = scheduler.Request(0, 1, unusedSlot: slot);

        Assert.True(replacement.IsGranted);
        Assert.Equal(899, scheduler.State.Remaining);
        Assert.Equal(1, scheduler.State.Missed);
    }

    [Fact]
    public void A_missed_slot_still_pending_is_replaced_by_the_new_one_without_a_charge()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 900);
        var slot = scheduler.Request(0, 1).Slot();
        _clock.Advance(TimeSpan.FromSeconds(2));

        var replacement = scheduler.Request(0, 1, unusedSlot: slot).Slot();

        Assert.Equal(899, scheduler.State.Remaining);
        Assert.Equal([replacement], scheduler.State.Pending.Select(grant => grant.SlotAt));
    }

    [Fact]
    public void The_reset_drops_the_grants_of_the_window_that_ended()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 900, resetAfter: TimeSpan.FromMinutes(1));
        scheduler.Request(0, 1);
        _clock.Advance(TimeSpan.FromMinutes(2));

        var status = scheduler.GetStatus();

        Assert.Equal((1000, 0), (status.Remaining, status.PendingGrants));
    }
}
