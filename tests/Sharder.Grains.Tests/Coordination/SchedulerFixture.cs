using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Coordination;
using Sharder.Grains.Options;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Coordination;

/// <summary>Builds an <see cref="IdentifyScheduler"/> on a fake clock, with gateway info already applied.</summary>
internal static class SchedulerFixture
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan SlotGrace = TimeSpan.FromMilliseconds(300);

    public static IdentifyScheduler Create(
        FakeTimeProvider clock,
        int maxConcurrency = 1,
        int total = 1000,
        int? remaining = null,
        TimeSpan? resetAfter = null,
        int reserve = 0,
        IdentifyLedgerState? persisted = null)
    {
        var scheduler = new IdentifyScheduler(persisted, Settings(reserve), clock);
        scheduler.ApplyGatewayInfo(total, remaining ?? total, resetAfter ?? TimeSpan.FromHours(20), maxConcurrency);
        return scheduler;
    }

    public static CoordinatorOptions Settings(int reserve = 0) => new()
    {
        IdentifyWindow = Window,
        IdentifySlotGrace = SlotGrace,
        BudgetReserve = reserve,
        GatewayInfoRefresh = TimeSpan.FromMinutes(5),
    };

    public static FakeTimeProvider Clock() => new(Start);

    public static DateTimeOffset Slot(this IdentifyGrant grant)
    {
        Assert.True(grant.IsGranted, $"shard {grant.ShardId} was refused ({grant.Reason})");
        return grant.SlotAt!.Value;
    }
}
