using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Coordination;
using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces;
using static Sharder.Grains.Tests.Coordination.SchedulerFixture;

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

    /// <summary>Answers each request with a slot at now + the next scripted delay, usable for <see cref="SlotGrace"/>.</summary>
    private sealed class ScriptedCoordinator(TimeProvider clock, params TimeSpan[] slotDelays) : IShardCoordinatorGrain
    {
        private int _next;

        public List<(int ShardId, DateTimeOffset? MissedSlot)> Requests { get; } = [];

        public Task<IdentifyGrant> RequestIdentifyAsync(int shardId, int shardCount, DateTimeOffset? missedSlot)
        {
            Requests.Add((shardId, missedSlot));
            var slot = clock.GetUtcNow() + slotDelays[_next++];
            return Task.FromResult(IdentifyGrant.Granted(shardId, shardId % 2, slot, slot + SlotGrace));
        }

        public Task<IdentifyStatus> GetStatusAsync() => throw new NotSupportedException();

        public Task<string?> GetGatewayUrlAsync() => throw new NotSupportedException();
    }
}
