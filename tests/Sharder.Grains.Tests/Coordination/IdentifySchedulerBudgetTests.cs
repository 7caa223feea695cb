using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Coordination;
using static Sharder.Grains.Tests.Coordination.SchedulerFixture;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Coordination;

public sealed class IdentifySchedulerBudgetTests
{
    private readonly FakeTimeProvider _clock = Clock();

    [Fact]
    public void Refuses_everything_until_gateway_info_is_known()
    {
        var scheduler = new IdentifyScheduler(null, Settings(), _clock);

        var grant = scheduler.Request(0, 1);

        Assert.False(grant.IsGranted);
        Assert.Equal(IdentifyRefusalReason.GatewayInfoUnknown, grant.Reason);
        Assert.Null(grant.RateLimitKey);
        Assert.Equal(Start + Window, grant.RetryAt);
        Assert.False(scheduler.GetStatus().IsBudgetExhausted);
        Assert.Empty(scheduler.GetStatus().NextFreeSlotByKey);
    }

    [Fact]
    public void A_ledger_without_max_concurrency_refuses_instead_of_dividing_by_zero()
    {
        var damaged = new IdentifyLedgerState { Total = 1000, Remaining = 1000, MaxConcurrency = 0, GatewayInfoAt = Start };
        var scheduler = new IdentifyScheduler(damaged, Settings(), _clock);

        Assert.Equal(IdentifyRefusalReason.GatewayInfoUnknown, scheduler.Request(0, 1).Reason);
    }

    [Fact]
    public void Each_grant_charges_one_session_start_at_grant_time()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 900);

        scheduler.RequestMany([0, 1, 2], 3);

        Assert.Equal(897, scheduler.State.Remaining);
        Assert.Equal(3, scheduler.State.Grants);
    }

    [Fact]
    public void Refuses_at_the_reserve_with_the_reset_time_and_never_a_slot()
    {
        // The reset comes before a refresh is next allowed (30 s), so the shards are told to ask again then.
        var scheduler = Create(_clock, total: 1000, remaining: 12, resetAfter: TimeSpan.FromSeconds(20), reserve: 10);

        var grants = scheduler.RequestMany([0, 1, 2, 3], 4);

        Assert.Equal([true, true, false, false], grants.Select(grant => grant.IsGranted));
        Assert.All(grants.Skip(2), refused =>
        {
            Assert.Equal(IdentifyRefusalReason.BudgetExhausted, refused.Reason);
            Assert.Equal(Start + TimeSpan.FromSeconds(20), refused.RetryAt);
            Assert.Null(refused.SlotAt);
        });
        Assert.Equal(10, scheduler.State.Remaining);
        Assert.Equal(2, scheduler.State.Refusals);
    }

    [Fact]
    public void Status_says_the_budget_is_spent_and_counts_the_waiting_shards()
    {
        var scheduler = Create(_clock, total: 100, remaining: 10, reserve: 10);

        scheduler.Request(3, 8);
        scheduler.Request(5, 8);
        scheduler.Request(3, 8);
        var status = scheduler.GetStatus();

        Assert.True(status.IsBudgetExhausted);
        Assert.Equal(2, status.WaitingShards);
        Assert.Equal(3, status.Refusals);
        Assert.Equal(10, status.Remaining);
        Assert.Equal(10, status.Reserve);
        Assert.Equal(100, status.Total);
    }

    [Fact]
    public void After_the_reset_the_budget_returns_and_waiting_shards_are_granted()
    {
        var scheduler = Create(_clock, total: 50, remaining: 0, resetAfter: TimeSpan.FromHours(1), reserve: 5);
        var refused = scheduler.Request(0, 1);

        _clock.Advance(TimeSpan.FromHours(1));
        var granted = scheduler.Request(0, 1);

        Assert.False(refused.IsGranted);
        Assert.Equal(Start + TimeSpan.FromHours(1), granted.Slot());
        Assert.Equal(49, scheduler.State.Remaining);
        Assert.Equal(0, scheduler.GetStatus().WaitingShards);
        Assert.Equal(granted.Slot() + IdentifyScheduler.SessionStartWindow, scheduler.State.ResetAt);
    }

    [Fact]
    public void With_no_window_running_the_first_grant_starts_one()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 1000, resetAfter: TimeSpan.Zero);
        Assert.Null(scheduler.State.ResetAt);

        var slot = scheduler.Request(0, 1).Slot();

        Assert.Equal(slot + IdentifyScheduler.SessionStartWindow, scheduler.State.ResetAt);
    }

    [Fact]
    public void A_refused_shard_asks_again_when_a_refresh_is_next_allowed_when_the_reset_is_later()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 10, resetAfter: TimeSpan.FromHours(3), reserve: 10);

        var refused = scheduler.Request(0, 1);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var later = scheduler.Request(0, 1);

        Assert.Equal(Start + TimeSpan.FromSeconds(30), refused.RetryAt);
        Assert.Equal(Start + TimeSpan.FromSeconds(90), later.RetryAt);
    }

    [Fact]
    public void A_new_window_reported_by_a_refresh_grants_a_shard_refused_before_it()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 10, resetAfter: TimeSpan.FromHours(3), reserve: 10);
        var refused = scheduler.Request(0, 1);

        // Discord started a new window sooner than our estimate (e.g. a regenerated token).
        _clock.Advance(TimeSpan.FromSeconds(30));
        scheduler.ApplyGatewayInfo(1000, 1000, TimeSpan.FromHours(24), 1);

        Assert.Equal(refused.RetryAt, _clock.GetUtcNow());
        Assert.True(scheduler.Request(0, 1).IsGranted);
    }

    [Fact]
    public void Refusal_without_a_running_window_retries_after_the_next_refresh()
    {
        var scheduler = Create(_clock, total: 5, remaining: 5, resetAfter: TimeSpan.Zero, reserve: 5);

        var refused = scheduler.Request(0, 1);

        Assert.Equal(IdentifyRefusalReason.BudgetExhausted, refused.Reason);
        Assert.Equal(Start + TimeSpan.FromSeconds(30), refused.RetryAt);
    }

    [Fact]
    public void Gateway_info_from_a_newer_window_is_taken_as_reported()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 100, resetAfter: TimeSpan.FromHours(2));

        _clock.Advance(TimeSpan.FromHours(1));
        scheduler.ApplyGatewayInfo(1000, 990, TimeSpan.FromHours(23), 1);

        Assert.Equal(990, scheduler.State.Remaining);
        Assert.Equal(Start + TimeSpan.FromHours(24), scheduler.State.ResetAt);
    }

    [Fact]
    public void Gateway_info_without_a_running_window_keeps_our_window_and_count()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 1000, resetAfter: TimeSpan.Zero);
        var slot = scheduler.Request(0, 1).Slot();

        scheduler.ApplyGatewayInfo(1000, 1000, TimeSpan.Zero, 1);

        Assert.Equal(999, scheduler.State.Remaining);
        Assert.Equal(slot + IdentifyScheduler.SessionStartWindow, scheduler.State.ResetAt);
    }

    [Fact]
    public void The_window_rolls_when_its_reset_time_has_passed_before_new_info_arrives()
    {
        var scheduler = Create(_clock, total: 1000, remaining: 20, resetAfter: TimeSpan.FromHours(1));

        _clock.Advance(TimeSpan.FromHours(2));
        var status = scheduler.GetStatus();

        Assert.Equal(1000, status.Remaining);
        Assert.Null(status.ResetAt);
    }

    [Fact]
    public void A_missed_slot_is_replaced_without_a_second_charge()
    {
        var scheduler = Create(_clock, maxConcurrency: 1, total: 100);
        var missed = scheduler.Request(0, 2).Slot();
        var other = scheduler.Request(1, 2).Slot();

        _clock.Advance(TimeSpan.FromSeconds(8));
        var again = scheduler.Request(0, 2, unusedSlot: missed).Slot();

        Assert.Equal(98, scheduler.State.Remaining);
        Assert.Equal(1, scheduler.State.Missed);
        Assert.Equal(3, scheduler.State.Grants);
        Assert.Equal(other + Window, again);
    }

    [Fact]
    public void A_shard_that_missed_its_slot_is_not_refused_for_the_budget_it_already_paid()
    {
        var scheduler = Create(_clock, total: 10, remaining: 3, reserve: 2);
        var missed = scheduler.Request(0, 2).Slot();
        Assert.False(scheduler.Request(1, 2).IsGranted);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var again = scheduler.Request(0, 2, unusedSlot: missed);

        Assert.True(again.IsGranted);
        Assert.Equal(2, scheduler.State.Remaining);
    }

    [Fact]
    public void A_missed_slot_from_before_the_reset_is_charged_to_the_new_window()
    {
        var scheduler = Create(_clock, total: 100, remaining: 50, resetAfter: TimeSpan.FromMinutes(1));
        var missed = scheduler.Request(0, 1).Slot();

        _clock.Advance(TimeSpan.FromMinutes(2));
        scheduler.Request(0, 1, unusedSlot: missed).Slot();

        Assert.Equal(99, scheduler.State.Remaining);
        Assert.Equal(0, scheduler.State.Missed);
    }

    [Fact]
    public void A_slot_that_has_not_come_yet_cannot_have_been_missed()
    {
        var scheduler = Create(_clock, total: 100);
        scheduler.Request(0, 1).Slot();

        scheduler.Request(0, 1, unusedSlot: _clock.GetUtcNow() + TimeSpan.FromSeconds(30)).Slot();

        Assert.Equal(98, scheduler.State.Remaining);
        Assert.Equal(0, scheduler.State.Missed);
    }

    [Fact]
    public void A_slot_held_by_a_shard_that_moved_is_granted_back_as_it_was()
    {
        var scheduler = Create(_clock, maxConcurrency: 1, total: 100);
        scheduler.Request(0, 3);
        var held = scheduler.Request(1, 3).Slot();
        var after = scheduler.Request(2, 3).Slot();

        // Shard 1 moves to another silo while it waits; its next activation asks for its slot back.
        _clock.Advance(TimeSpan.FromSeconds(1));
        var again = scheduler.Request(1, 3, unusedSlot: held);

        Assert.Equal(held, again.Slot());
        Assert.Equal(held + SchedulerFixture.SlotGrace, again.UseBy);
        Assert.Equal(97, scheduler.State.Remaining);
        Assert.Equal(3, scheduler.State.Grants);
        Assert.Equal(after + Window, scheduler.Request(0, 3).Slot());
    }

    [Fact]
    public void A_held_slot_past_its_grace_is_replaced_free_of_charge()
    {
        var scheduler = Create(_clock, maxConcurrency: 1, total: 100);
        var held = scheduler.Request(0, 2).Slot();
        scheduler.Request(1, 2);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var again = scheduler.Request(0, 2, unusedSlot: held).Slot();

        Assert.Equal(held + (2 * Window), again);
        Assert.Equal(98, scheduler.State.Remaining);
        Assert.Equal(1, scheduler.State.Missed);
    }

    [Fact]
    public void An_unused_slot_still_latest_on_its_key_moves_to_now_free_of_charge_and_the_key_stays_spaced_from_it()
    {
        var scheduler = Create(_clock, maxConcurrency: 1, total: 100);
        var held = scheduler.Request(0, 2).Slot();

        // Never used and nothing after it on the key: the key's last Identify is a window before it at most.
        _clock.Advance(TimeSpan.FromSeconds(1));
        var moved = scheduler.Request(0, 2, unusedSlot: held).Slot();
        var next = scheduler.Request(1, 2).Slot();

        Assert.Equal(_clock.GetUtcNow(), moved);
        Assert.Equal(moved + Window, next);
        Assert.Equal(98, scheduler.State.Remaining);
        Assert.Equal(1, scheduler.State.Missed);
    }

    [Fact]
    public void A_first_slot_handed_back_after_discord_started_its_window_a_moment_later_is_not_charged_again()
    {
        var scheduler = Create(_clock, maxConcurrency: 1, total: 100);
        var first = scheduler.Request(0, 2).Slot();
        scheduler.Request(1, 2);

        // Discord's daily window began when the first Identify arrived, 20 ms after its slot.
        _clock.Advance(TimeSpan.FromMilliseconds(20));
        scheduler.ApplyGatewayInfo(100, 98, IdentifyScheduler.SessionStartWindow, maxConcurrency: 1);
        var remaining = scheduler.State.Remaining;
        var again = scheduler.Request(0, 2, unusedSlot: first);

        Assert.Equal(first, again.Slot());
        Assert.Equal(remaining, scheduler.State.Remaining);
    }

    [Fact]
    public void A_slot_the_key_was_never_granted_is_not_handed_out()
    {
        var scheduler = Create(_clock, maxConcurrency: 2, total: 100);
        var keyZero = scheduler.Request(0, 4).Slot();
        scheduler.Request(2, 4).Slot();

        // Key 1 never had a slot: a claim on key 0's later slot is not honoured for shard 1.
        var claimed = scheduler.Request(1, 4, unusedSlot: keyZero + Window);

        Assert.Equal(_clock.GetUtcNow(), claimed.Slot());
        Assert.Equal(1, scheduler.State.Missed);
    }

    [Fact]
    public void A_grant_may_be_used_until_the_configured_grace_after_its_slot()
    {
        var scheduler = Create(_clock);
        var grant = scheduler.Request(0, 1);

        Assert.Equal(grant.Slot() + SchedulerFixture.SlotGrace, grant.UseBy);
    }

    [Fact]
    public void The_configured_reserve_replaces_the_persisted_one()
    {
        var persisted = new IdentifyLedgerState { Reserve = 50, Remaining = 40, Total = 100, MaxConcurrency = 1, GatewayInfoAt = Start };

        var scheduler = new IdentifyScheduler(persisted, Settings(reserve: 30), _clock);

        Assert.Equal(30, scheduler.State.Reserve);
        Assert.True(scheduler.Request(0, 1).IsGranted);
    }

    [Fact]
    public void Status_reports_the_figures()
    {
        var scheduler = Create(_clock, maxConcurrency: 2, total: 1000, remaining: 500, resetAfter: TimeSpan.FromHours(4), reserve: 10);
        scheduler.Request(0, 2);

        var status = scheduler.GetStatus();

        Assert.Equal(
            new IdentifyStatus(
                Total: 1000,
                Remaining: 499,
                Reserve: 10,
                ResetAt: Start + TimeSpan.FromHours(4),
                MaxConcurrency: 2,
                IsBudgetExhausted: false,
                WaitingShards: 0,
                Grants: 1,
                Refusals: 0,
                Missed: 0,
                NextFreeSlotByKey: status.NextFreeSlotByKey,
                GatewayInfoAt: Start,
                UncertainGrants: 0,
                FailedIdentifies: 0,
                PendingGrants: 1),
            status);
        Assert.Equal<DateTimeOffset>([Start + Window, Start], status.NextFreeSlotByKey);
    }

    [Fact]
    public void Rejects_impossible_gateway_info()
    {
        var scheduler = Create(_clock);

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.ApplyGatewayInfo(1000, 10, TimeSpan.Zero, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.ApplyGatewayInfo(1000, -1, TimeSpan.Zero, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.ApplyGatewayInfo(1000, 10, TimeSpan.FromSeconds(-1), 1));
    }
}
