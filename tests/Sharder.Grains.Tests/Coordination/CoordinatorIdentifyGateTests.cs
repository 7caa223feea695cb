using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Coordination;
using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces;
using static Sharder.Grains.Tests.Coordination.SchedulerFixture;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Coordination;

public sealed class CoordinatorIdentifyGateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Waits_for_the_granted_slot_and_hands_out_a_permit_usable_until_its_grace()
    {
        var clock = new DelayWatchingClock(Start);
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.FromSeconds(1));
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);

        var acquiring = gate.AcquireAsync(2, null, CancellationToken.None).AsTask();
        Assert.Equal(TimeSpan.FromSeconds(1), await clock.FirstTimerDue);
        clock.Advance(TimeSpan.FromSeconds(1));
        var permit = await acquiring.WaitAsync(Timeout);

        Assert.Equal(new IdentifyPermit(2, 0, Start.AddSeconds(1), Start.AddSeconds(1) + SlotGrace), permit);
        Assert.Equal([(2, (DateTimeOffset?)null)], coordinator.Requests);
    }

    [Fact]
    public async Task A_missed_permit_is_named_to_the_coordinator_so_the_new_slot_is_not_charged_again()
    {
        var clock = new DelayWatchingClock(Start);
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.Zero);
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);
        var missed = new IdentifyPermit(3, 1, Start.AddSeconds(-2), Start.AddSeconds(-2) + SlotGrace);

        var permit = await gate.AcquireAsync(3, missed, CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(Start, permit.SlotAt);
        Assert.Equal([(3, Start.AddSeconds(-2))], coordinator.Requests);
    }

    [Fact]
    public async Task The_slot_being_waited_for_is_unused_until_the_permit_is_handed_out_and_a_next_activation_asks_for_it_back()
    {
        var clock = new DelayWatchingClock(Start);
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.FromSeconds(4), TimeSpan.Zero);
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);
        using var moving = new CancellationTokenSource();

        var waiting = gate.AcquireAsync(2, null, moving.Token).AsTask();
        await clock.FirstTimerDue;
        Assert.Equal(Start.AddSeconds(4), gate.UnusedSlot);

        // The shard moves to another silo before its slot: the wait ends, the slot is still unused.
        await moving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var next = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance, inheritedSlot: gate.UnusedSlot);
        var permit = await next.AcquireAsync(2, null, CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal((DateTimeOffset?)Start.AddSeconds(4), coordinator.Requests[1].UnusedSlot);
        Assert.Null(next.UnusedSlot);
        Assert.Equal(Start, permit.SlotAt);
    }

    [Fact]
    public async Task With_a_connect_lead_the_permit_comes_that_lead_before_the_slot_which_stays_unused_until_reached()
    {
        var clock = new DelayWatchingClock(Start);
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.FromSeconds(4));
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);

        var acquiring = gate.AcquireAsync(2, null, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        Assert.Equal(TimeSpan.FromSeconds(3), await clock.FirstTimerDue);
        clock.Advance(TimeSpan.FromSeconds(3));
        var permit = await acquiring.WaitAsync(Timeout);

        Assert.Equal(new IdentifyPermit(2, 0, Start.AddSeconds(4), Start.AddSeconds(4) + SlotGrace), permit);
        // The socket is opening ahead of the slot: a move now still passes the slot on.
        Assert.Equal(Start.AddSeconds(4), gate.UnusedSlot);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(gate.UnusedSlot);
    }

    [Fact]
    public async Task A_slow_answer_moves_the_slot_later_and_the_use_by_not_so_the_send_stays_inside_the_granted_slot()
    {
        var clock = new DelayWatchingClock(Start);
        var answerLeg = TimeSpan.FromMilliseconds(100);
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.FromSeconds(4)) { AfterDecision = () => clock.Advance(answerLeg) };
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);

        var acquiring = gate.AcquireAsync(2, null, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        clock.Advance(await clock.FirstTimerDue);
        var permit = await acquiring.WaitAsync(Timeout);

        // Our clock may be up to 100 ms ahead of the coordinator's or not at all: only the overlap is safe.
        Assert.Equal(Start.AddSeconds(4) + answerLeg, permit.SlotAt);
        Assert.Equal(Start.AddSeconds(4) + SlotGrace, permit.UseBy);
    }

    [Fact]
    public async Task A_permit_left_with_little_grace_by_a_slow_answer_is_asked_for_again_before_its_slot()
    {
        var clock = new DelayWatchingClock(Start);
        var slow = true;
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1))
        {
            AfterDecision = () =>
            {
                if (slow)
                {
                    clock.Advance(TimeSpan.FromMilliseconds(200));
                    slow = false;
                }
            },
        };
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);

        var acquiring = gate.AcquireAsync(2, null, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        clock.Advance(await clock.FirstTimerDue);
        var permit = await acquiring.WaitAsync(Timeout);

        // The first answer took 200 ms of the 300 ms grace; asked again (quickly answered) one lead before the slot.
        Assert.Equal(2, coordinator.Requests.Count);
        Assert.Equal((DateTimeOffset?)(Start.AddSeconds(4)), coordinator.Requests[1].UnusedSlot);
        Assert.Equal(permit.SlotAt + SlotGrace, permit.UseBy);
    }

    [Theory]
    [InlineData(-30)]
    [InlineData(30)]
    public async Task Slots_are_kept_relative_when_the_coordinators_clock_is_skewed(int coordinatorAheadSeconds)
    {
        var clock = new DelayWatchingClock(Start);
        var ahead = TimeSpan.FromSeconds(coordinatorAheadSeconds);
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.FromSeconds(2), TimeSpan.Zero) { ClockAhead = ahead };
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);

        var acquiring = gate.AcquireAsync(1, null, CancellationToken.None).AsTask();
        Assert.Equal(TimeSpan.FromSeconds(2), await clock.FirstTimerDue);
        clock.Advance(TimeSpan.FromSeconds(2));
        var permit = await acquiring.WaitAsync(Timeout);

        // On our clock: usable from now until the grace, whatever the coordinator's clock says.
        Assert.Equal(new IdentifyPermit(1, 1, clock.GetUtcNow(), clock.GetUtcNow() + SlotGrace), permit);

        // Missed: the coordinator hears of the slot on its own clock.
        clock.Advance(TimeSpan.FromSeconds(1));
        await gate.AcquireAsync(1, permit, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(Start + TimeSpan.FromSeconds(2) + ahead, coordinator.Requests[1].UnusedSlot);
    }

    [Fact]
    public async Task A_failed_identify_is_reported_with_the_slot_on_the_coordinators_clock()
    {
        var clock = new DelayWatchingClock(Start);
        var ahead = TimeSpan.FromSeconds(30);
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.Zero) { ClockAhead = ahead };
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);
        var permit = await gate.AcquireAsync(3, null, CancellationToken.None).AsTask().WaitAsync(Timeout);

        await gate.ReportIdentifyFailedAsync(permit, CancellationToken.None);
        await gate.ReportIdentifyFailedAsync(permit with { SlotAt = permit.SlotAt.AddSeconds(-9) }, CancellationToken.None);

        // The permit this gate handed out is reported on the coordinator's clock; one it never handed out is not.
        Assert.Equal([(3, Start + ahead)], coordinator.Failures);
    }

    [Fact]
    public async Task Time_queued_inside_the_coordinator_is_not_counted_as_network_time_so_the_whole_grace_stays_usable()
    {
        var clock = new DelayWatchingClock(Start);
        var queued = TimeSpan.FromMilliseconds(250);
        var coordinator = new ScriptedCoordinator(clock, TimeSpan.FromSeconds(4)) { QueuedInside = queued };
        var gate = new CoordinatorIdentifyGate(coordinator, 4, clock, NullLogger.Instance);

        var acquiring = gate.AcquireAsync(2, null, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        clock.Advance(await clock.FirstTimerDue);
        var permit = await acquiring.WaitAsync(Timeout);

        // 250 ms of the 300 ms grace went by in the coordinator's queue, not on the wire: the clocks are known to
        // agree, so the permit keeps its whole grace and is not asked for again.
        Assert.Single(coordinator.Requests);
        Assert.Equal(Start.AddSeconds(4) + queued, permit.SlotAt);
        Assert.Equal(permit.SlotAt + SlotGrace, permit.UseBy);
    }

    /// <summary>
    /// Answers each request with a slot at now + the next scripted delay, usable for <see cref="SlotGrace"/>,
    /// on a clock <see cref="ClockAhead"/> of the shard's.
    /// </summary>
    private sealed class ScriptedCoordinator(TimeProvider clock, params TimeSpan[] slotDelays) : IShardCoordinatorGrain
    {
        private int _next;

        public TimeSpan ClockAhead { get; init; }

        /// <summary>Runs after the coordinator decided, before the answer arrives (e.g. advances the clock: a slow answer).</summary>
        public Action? AfterDecision { get; init; }

        /// <summary>How long each request waits in the coordinator's queue before it is decided (reported as Waited).</summary>
        public TimeSpan QueuedInside { get; init; }

        public List<(int ShardId, DateTimeOffset? UnusedSlot)> Requests { get; } = [];

        public Task<IdentifyGrant> RequestIdentifyAsync(int shardId, int shardCount, DateTimeOffset? unusedSlot)
        {
            Requests.Add((shardId, unusedSlot));
            if (QueuedInside > TimeSpan.Zero && clock is DelayWatchingClock watching)
            {
                watching.Advance(QueuedInside);
            }

            var now = clock.GetUtcNow() + ClockAhead;
            var slot = now + slotDelays[_next++];
            var grant = IdentifyGrant.Granted(shardId, shardId % 2, slot, slot + SlotGrace, now) with { Waited = QueuedInside };
            AfterDecision?.Invoke();
            return Task.FromResult(grant);
        }

        public List<(int ShardId, DateTimeOffset SlotAt)> Failures { get; } = [];

        public Task ReportIdentifyFailedAsync(int shardId, DateTimeOffset slotAt)
        {
            Failures.Add((shardId, slotAt));
            return Task.CompletedTask;
        }

        public Task<IdentifyStatus> GetStatusAsync() => throw new NotSupportedException();

        public Task<string?> GetGatewayUrlAsync() => throw new NotSupportedException();
    }
}
